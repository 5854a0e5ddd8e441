from django.db import migrations

from cpeg.scrutiny.custody import load_panels


def forwards(apps, schema_editor):
    load_panels(
        apps.get_model("groups", "Borough"),
        apps.get_model("scrutiny", "CustodyPanel"),
        apps.get_model("scrutiny", "CustodySuite"),
    )


class Migration(migrations.Migration):
    dependencies = [("scrutiny", "0003_custody_visiting")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
