"""Test data for scrutiny: police.uk CSV text built row by row."""

from __future__ import annotations

from cpeg.scrutiny.importer import COLUMNS

# Points checked against the boundaries (NOTES.md): Trafalgar Square is in
# Westminster, Angel in Islington; mid-Westminster Bridge is in no borough.
TRAFALGAR_SQUARE = ("51.5074", "-0.1278")
ANGEL = ("51.5362", "-0.1033")
WESTMINSTER_BRIDGE = ("51.500833", "-0.121667")
CAMDEN_TOWN = ("51.5390", "-0.1426")


def stop_row(
    *,
    date="2018-10-05T14:30:00+00:00",
    where=TRAFALGAR_SQUARE,
    outcome="A no further action disposal",
    self_defined="White - English/Welsh/Scottish/Northern Irish/British",
    officer="White",
    age="18-24",
    gender="Male",
    legislation="Misuse of Drugs Act 1971 (section 23)",
    obj="Controlled drugs",
    linked="",
    strip="",
    kind="Person search",
) -> list[str]:
    lat, lon = where if where else ("", "")
    return [
        kind,
        date,
        "False",
        "",
        lat,
        lon,
        gender,
        age,
        self_defined,
        officer,
        legislation,
        obj,
        outcome,
        linked,
        strip,
    ]


def police_csv(rows, *, newline="\n", header=COLUMNS) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return (newline.join(lines) + newline).encode("utf-8")


def shared_data():
    """The shared ``data`` folder beside the repository (tests may read it):
    ``../shared/data`` from the checkout, or from a folder above it (a git
    worktree sits one level deeper)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    for folder in root.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return root.parent / "shared" / "data"


def import_rows(rows, *, month="2018-10", force="metropolitan"):
    """Import a CSV of ``rows`` as the system would; returns the import."""
    import datetime as dt

    from cpeg.groups.models import Borough
    from cpeg.groups.tests.factories import borough
    from cpeg.scrutiny.models import BoroughPopulation
    from cpeg.scrutiny.population import load_population
    from cpeg.scrutiny.services import stop_search_import_file

    borough("camden")  # the boroughs (reloaded after a flush)
    if not BoroughPopulation.objects.exists():
        load_population(Borough, BoroughPopulation)
    return stop_search_import_file(
        force=force,
        month=dt.date.fromisoformat(f"{month}-01"),
        file_name=f"{month}-{force}-stop-and-search.csv",
        data=police_csv(rows),
    )


def custody_panel(name="Camden"):
    """A seeded panel (seeded again if a transactional test flushed them)."""
    from cpeg.groups.models import Borough
    from cpeg.groups.tests.factories import borough
    from cpeg.scrutiny.custody import load_panels
    from cpeg.scrutiny.models import CustodyPanel, CustodySuite

    borough("camden")
    if not CustodyPanel.objects.exists():
        load_panels(Borough, CustodyPanel, CustodySuite)
    return CustodyPanel.objects.get(name=name)


def custody_visitor(panel, name="Ada Visitor", accredited_on=None):
    import datetime as dt

    from cpeg.scrutiny.models import CustodyVisitor

    accredited_on = accredited_on or dt.date(2024, 1, 10)
    return CustodyVisitor.objects.create(
        panel=panel,
        name=name,
        accredited_on=accredited_on,
        reaccreditation_due_on=accredited_on.replace(year=accredited_on.year + 3),
    )


def custody_visit(panel=None, **fields):
    import datetime as dt

    from django.utils import timezone

    from cpeg.scrutiny.models import CustodyVisit

    panel = panel or custody_panel()
    first = custody_visitor(panel, "First Visitor")
    second = custody_visitor(panel, "Second Visitor")
    values = {
        "suite": panel.suites.first(),
        "first_visitor": first,
        "second_visitor": second,
        "visited_at": timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30)),
        "in_custody": 6,
        "not_available": 1,
        "not_offered": 1,
        "offered": 4,
        "accepted": 3,
        "declined": 1,
        **fields,
    }
    return CustodyVisit.objects.create(panel=panel, **values)


def visitor_account(panel, name="Ada Visitor", username=None):
    """A custody visitor who signs in: an account with the role, linked
    from a visitor record on ``panel``. Returns (user, visitor record)."""
    from cpeg.accounts.roles import Role
    from cpeg.accounts.tests.factories import UserFactory

    user = UserFactory(**({"username": username} if username else {}))
    user.role_assignments.create(role=Role.CUSTODY_VISITOR)
    visitor = custody_visitor(panel, name)
    visitor.user = user
    visitor.save()
    return user, visitor
