"""The link from a public meeting in the activity record to its Policing
Pledge report (the activities app links up to no app: its template asks
this tag)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def pledge_link(context, activity) -> dict:
    """{"url", "report"} for a public meeting the user may record a report
    on (or read one of); {} where none applies. One query."""
    from cpeg.consultations.pledge import is_pledge_meeting, pledge_report_for

    request = context.get("request")
    if request is None or not is_pledge_meeting(activity):
        return {}
    can_change = request.user.has_perm("consultations.change_pledgereport", activity)
    report = pledge_report_for(activity)
    if report is None and not can_change:
        return {}
    url = reverse("consultations:pledge-report", kwargs={"pk": activity.pk}) if can_change else ""
    return {"url": url, "report": report}
