"""The 32 London boroughs, from groups/reference/boroughs.csv."""

import csv
from pathlib import Path

from django.utils.text import slugify

REFERENCE = Path(__file__).resolve().parent / "reference" / "boroughs.csv"


def load_boroughs(borough_model) -> int:
    """Create or update every borough; safe to run again. Returns the count.

    Takes the model class so the data migration can pass its historical
    model; the demo loader and tests pass the real one.
    """
    count = 0
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            borough_model.objects.update_or_create(
                ons_code=row["ons_code"],
                defaults={"name": row["name"], "slug": slugify(row["name"])},
            )
            count += 1
    return count
