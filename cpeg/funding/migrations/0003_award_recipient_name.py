"""Snapshot the recipient's name on each award, filled from the group's
current name for awards made before the field existed (the best record
there is of what it was called then)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

HELP = "The group's name on the day of the award: open data and the award letter keep it after a rename."


def fill_recipient_names(apps, schema_editor):
    Award = apps.get_model("funding", "Award")
    EngagementGroup = apps.get_model("groups", "EngagementGroup")
    Award.objects.update(
        recipient_name=Subquery(EngagementGroup.objects.filter(pk=OuterRef("group_id")).values("name")[:1])
    )


def field():
    return models.CharField(default="", help_text=HELP, max_length=150, verbose_name="Recipient's name when awarded")


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_spend_lock_and_reconciliation"),
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="award", name="recipient_name", field=field(), preserve_default=False),
        migrations.AddField(
            model_name="historicalaward", name="recipient_name", field=field(), preserve_default=False
        ),
        migrations.RunPython(fill_recipient_names, migrations.RunPython.noop),
    ]
