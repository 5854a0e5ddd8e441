"""Figures that cross apps, in one place.

The only app that reads more than one domain app: the monitoring dashboard
and scorecard (returns, SLA targets, activities, spend), last year's
delivery at assessment and the cost analysis (funding, activities,
monitoring), and later the annual review. Read-only: no models, no writes.
"""
