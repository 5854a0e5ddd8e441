"""Load the 32 London boroughs (reference data; see groups/reference/README.md)."""

from django.db import migrations

from cpeg.groups.boroughs import load_boroughs


def load(apps, schema_editor):
    load_boroughs(apps.get_model("groups", "Borough"))


def unload(apps, schema_editor):
    apps.get_model("groups", "Borough").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
