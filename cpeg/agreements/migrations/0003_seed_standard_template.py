"""Seed the standard SLA template from the source document.

Seeds the financial year containing the day the migration runs. Other
years come from copying a template (``sla_template_copy_to_year``, or the
officer's "Start the next year's template"); see docs/agreements.md.
"""

import datetime as dt

from django.db import migrations

from cpeg.agreements.seed import seed_standard_template
from cpeg.core.fiscal import FinancialYear


def seed(apps, schema_editor):
    seed_standard_template(
        apps.get_model("agreements", "SlaTemplate"),
        apps.get_model("agreements", "SlaHeading"),
        apps.get_model("agreements", "SlaTemplateOutput"),
        financial_year=FinancialYear.containing(dt.date.today()).start_year,
    )


def unseed(apps, schema_editor):
    # Only a template no group SLA was made from can go.
    SlaTemplate = apps.get_model("agreements", "SlaTemplate")  # noqa: N806
    for template in SlaTemplate.objects.filter(group_slas__isnull=True):
        template.outputs.all().delete()
        template.headings.all().delete()
        template.delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_variations_and_removed_template_outputs")]

    operations = [migrations.RunPython(seed, unseed)]
