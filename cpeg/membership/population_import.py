"""Reading a borough population table a manager uploads (CSV or XLSX).

A long table, one row per borough and category, with the column names in
the first row (any order, any case): Borough code (the ONS code, like
E09000007), Characteristic (Sex, Age, Ethnic group...), Category (Female,
25 to 34, Asian...), Count (usual residents, a whole number) and Source.
``parse_population_file`` checks the whole file and returns every row's
values or every problem, by row and column; it never writes. The service
``membership.services.population_tables_load`` saves it all or nothing.
The format, with an example, is in ``docs/membership.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cpeg.membership.choices import PROFILE_CHARACTERISTICS, profile_categories
from cpeg.membership.imports import RowError, _blank, _file_error, _norm, _read

MAX_ROWS = 4000

# key, label, other names accepted
COLUMNS = (
    ("borough", "Borough code", ("ons code", "area code", "lad code", "lad_code", "geography code")),
    ("characteristic", "Characteristic", ()),
    ("category", "Category", ()),
    ("count", "Count", ("number", "people", "usual residents", "observation")),
    ("source", "Source", ()),
)
LABELS = {key: label for key, label, _a in COLUMNS}


def _names(pairs) -> dict[str, str]:
    """Each key, and its label, normalised -> key."""
    found = {}
    for key, label in pairs:
        found[_norm(key)] = key
        found[_norm(key.replace("_", " "))] = key
        found[_norm(label)] = key
    return found


CHARACTERISTICS = _names(PROFILE_CHARACTERISTICS) | {"age band": "age_band", "ethnicity": "ethnic_group"}
CATEGORIES = {c: _names(profile_categories(c)) for c, _label in PROFILE_CHARACTERISTICS}


@dataclass
class PopulationImportResult:
    file_name: str
    # characteristic -> [(borough code, category, count, source)]
    tables: dict[str, list[tuple[str, str, int, str]]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _count(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        number = int(value)
    else:
        text = str(value).replace(",", "").strip()
        if not text.lstrip("-").isdigit():
            raise ValueError
        number = int(text)
    if number < 0:
        raise ValueError
    return number


def parse_population_file(*, file, boroughs: dict[str, str]) -> PopulationImportResult:
    """Check every row of a population table; never writes.

    ``boroughs`` maps each borough's ONS code to its name.
    """
    name, rows = _read(file)
    if not rows:
        raise _file_error("The selected file is empty")
    (_n, header), data_rows = rows[0], rows[1:]
    names = {_norm(h): i for i, h in enumerate(header) if not _blank(h)}
    positions = {}
    for key, label, aliases in COLUMNS:
        for option in (label, *aliases):
            if _norm(option) in names:
                positions[key] = names[_norm(option)]
                break
        else:
            raise _file_error(f'The selected file has no "{label}" column. Check the first row has the column names')
    if not data_rows:
        raise _file_error("The selected file has no figures in it, only the column names")
    if len(data_rows) > MAX_ROWS:
        raise _file_error(
            f"The selected file has more than {MAX_ROWS:,} rows. Split it into one file per characteristic"
        )
    result = PopulationImportResult(file_name=name)
    seen: dict[tuple, int] = {}
    first_row: dict[tuple[str, str], int] = {}
    for number, row in data_rows:
        cell = {key: (row[i] if i < len(row) else None) for key, i in positions.items()}
        errors = []

        def error(key, message, errors=errors, number=number):
            errors.append(RowError(number, LABELS[key], message))

        code = str(cell["borough"] or "").strip().upper()
        if not code:
            error("borough", "Enter the borough's ONS code, like E09000007")
        elif code not in boroughs:
            error("borough", f"{code} is not the ONS code of a borough the authority polices")
        characteristic = CHARACTERISTICS.get(_norm(cell["characteristic"]))
        if characteristic is None:
            choices = ", ".join(label for _k, label in PROFILE_CHARACTERISTICS)
            error("characteristic", f"Enter a characteristic: one of {choices}")
        category = None
        if characteristic is not None:
            category = CATEGORIES[characteristic].get(_norm(cell["category"]))
            if category is None:
                choices = "; ".join(label for _k, label in profile_categories(characteristic))
                error("category", f"Enter a category of {characteristic.replace('_', ' ')}: one of {choices}")
        count = None
        if _blank(cell["count"]):
            error("count", "Enter the number of people")
        else:
            try:
                count = _count(cell["count"])
            except ValueError:
                error("count", "Count must be a whole number, 0 or more, like 10450")
        source = " ".join(str(cell["source"] or "").split())
        if not source:
            error("source", "Enter where the figures come from, like ONS Census 2021 table TS008")
        elif len(source) > 300:
            error("source", "Source must be 300 characters or fewer")
        if code in boroughs and characteristic and category:
            key = (code, characteristic, category)
            if key in seen:
                error("category", f"Row {seen[key]} already gives this borough's figure for this category. Remove one")
            seen.setdefault(key, number)
            first_row.setdefault((characteristic, code), number)
        result.errors.extend(errors)
        if not errors:
            result.tables.setdefault(characteristic, []).append((code, category, count, source))
    for (characteristic, code), number in sorted(first_row.items(), key=lambda item: item[1]):
        given = {category for c, ch, category in seen if c == code and ch == characteristic}
        missing = [label for key, label in profile_categories(characteristic) if key not in given]
        if missing:
            result.errors.append(
                RowError(number, LABELS["category"], f"{boroughs[code]} has no row for {'; '.join(missing)}")
            )
    result.errors.sort(key=lambda e: e.row)
    if result.errors:
        result.tables = {}
    return result
