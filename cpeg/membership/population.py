"""The boroughs' populations by ethnic group (Census 2021), from the copy
in ``membership/data/`` (source, licence and a warning in its README: the
table is collapsed, so comparisons use ``choices.COMPARISON_GROUPS``)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CENSUS_2021_ETHNIC_GROUP = Path(__file__).resolve().parent / "data" / "census2021-ethnic-group-5-by-lad.csv"
SOURCE = (
    "ONS Census 2021 (TS021), usual residents by ethnic group, as collapsed by Black Thrive; "
    "Open Government Licence v3.0"
)
COLUMNS = {"asian": "Asian", "black": "Black", "mixed": "Mixed", "other": "Other", "white": "White"}


@cache
def _ethnic_group_table() -> dict[str, dict[str, int]]:
    with CENSUS_2021_ETHNIC_GROUP.open(newline="", encoding="utf-8") as handle:
        return {
            row["LAD_code"]: {key: int(row[column]) for key, column in COLUMNS.items()}
            for row in csv.DictReader(handle)
        }


def ethnic_group_population(ons_code: str) -> dict[str, int] | None:
    """Usual residents by comparison group for a borough (None if unknown)."""
    return _ethnic_group_table().get(ons_code)
