"""Census 2021 residents by borough and ethnic group, from
``reference/census2021-ethnic-group-5-by-borough.csv`` (see reference/README.md)."""

import csv
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference" / "census2021-ethnic-group-5-by-borough.csv"
COLUMNS = {"White": "white", "Black": "black", "Asian": "asian", "Mixed": "mixed", "Other": "other"}


def load_population(borough_model, population_model) -> int:
    """Create or update each borough's residents by group; safe to run again.

    Takes the model classes so the data migration can pass its historical
    models. Rows for areas that are not boroughs here (the City) are skipped.
    """
    boroughs = dict(borough_model.objects.values_list("ons_code", "pk"))
    count = 0
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            borough_id = boroughs.get(row["LAD_code"])
            if borough_id is None:
                continue
            for column, group in COLUMNS.items():
                population_model.objects.update_or_create(
                    borough_id=borough_id, ethnic_group=group, defaults={"residents": int(row[column])}
                )
                count += 1
    return count
