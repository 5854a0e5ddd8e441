"""Load the 32 London boroughs (reference data; see groups/reference/README.md)."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "boroughs.csv"


def load(apps, schema_editor):
    Borough = apps.get_model("groups", "Borough")
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Borough.objects.update_or_create(
                ons_code=row["ons_code"],
                defaults={"name": row["name"], "slug": slugify(row["name"])},
            )


def unload(apps, schema_editor):
    apps.get_model("groups", "Borough").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
