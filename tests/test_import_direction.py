"""Apps import only downward: the layer order in docs/architecture.md.

core < accounts < groups < agreements < activities < membership
< consultations < scrutiny < monitoring < funding < notifications < reporting
< api. An app imports only from apps to its left; two apps never
import each other sideways. ``public`` sits above groups and activities
(it reads their selectors) and nothing but ``config`` imports it.
``reporting`` is the only place that reads across the domain apps, and no
domain app imports it, except a domain app's ``views.py`` (or ``views/``
package) that shows a reporting figure beside its own form: the one stated
exception (see the ADR). ``reviews``, above reporting, reads its figures to
build the annual review.

Every module under ``cpeg/`` is parsed with ``ast``, so imports inside
functions count as much as those at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

CPEG = Path(__file__).resolve().parent.parent / "cpeg"

ORDER = (
    "core",
    "accounts",
    "groups",
    "agreements",
    "activities",
    "membership",
    "consultations",
    "scrutiny",
    "monitoring",
    "funding",
    "notifications",
    "reporting",
    "reviews",
    "api",
)
RANK = {app: rank for rank, app in enumerate(ORDER)}
# public is a leaf beside the domain apps: it may read these, nothing reads it.
PUBLIC_MAY_IMPORT = frozenset({"core", "accounts", "groups", "activities"})

# Imports the layer order refuses but that are deliberate, keyed by
# (importing file, imported app), each with its reason. A new entry needs
# an ADR; keep this to a couple.
ALLOWED = {
    ("cpeg/accounts/access.py", "groups"): (
        "The rulebook decides access by the group that owns a record: its "
        "predicates look at a record's group and borough, and a disbanded "
        "group's records are read-only (groups.workflow.is_disbanded). The "
        "imports are inside the predicates, because groups.models imports "
        "accounts; groups' models and workflow are all it reads."
    ),
}

# Where an app may read a lower app only through some of its modules:
# funding reads monitoring through its selectors (and the choices naming
# the statuses they return), never its tables; the public pages read
# activities through the selectors activities expose.
ONLY_THROUGH = {
    ("funding", "monitoring"): ("cpeg.monitoring.selectors", "cpeg.monitoring.choices"),
    ("public", "activities"): ("cpeg.activities.selectors",),
}

# Known offenders waiting on a change elsewhere, keyed by (importing file,
# imported module); funding's and monitoring's have landed. Empty this set
# as the changes land; never add to it.
PENDING: set[tuple[str, str]] = set()


def _imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every cpeg module ``tree`` imports."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return [(line, name) for line, name in found if name == "cpeg" or name.startswith("cpeg.")]


def _may_import(path: Path, importer: str, imported: str, name: str | None = None) -> bool:
    """Whether app ``importer`` (in file ``path``) may import module ``name``
    of app ``imported``."""
    if importer == imported:
        return True
    name = name or f"cpeg.{imported}"
    parts = path.relative_to(CPEG).parts
    loader = "tests" in parts or parts[-1] == "demo.py"
    through = ONLY_THROUGH.get((importer, imported), ())
    if through and not loader and not any(name == m or name.startswith(m + ".") for m in through):
        return False
    if imported == "public":
        return False
    if importer == "public":
        return imported in PUBLIC_MAY_IMPORT
    if importer not in RANK or imported not in RANK:
        return False
    if imported == "reporting":
        # reviews sits above reporting and builds the committee report from
        # its figures; otherwise the one exception: a view showing a
        # reporting figure beside its form.
        return importer in ("reporting", "reviews") or (len(parts) > 1 and parts[1] in ("views.py", "views"))
    if loader:
        # Tests and the demo loader build whole worlds (a group with its SLA,
        # returns and a funding award) and so may use any domain app's
        # factories and services; they are never imported by application
        # code, so they cannot bend the layers the app itself depends on.
        return True
    return RANK[imported] < RANK[importer]


def _offences() -> list[tuple[str, int, str, str, str]]:
    offences = []
    for path in sorted(CPEG.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(CPEG.parent)
        module = ".".join(rel.with_suffix("").parts)
        importer = rel.parts[1] if len(rel.parts) > 2 else None
        if importer is None:
            continue
        tree = ast.parse(path.read_text(), filename=str(rel))
        for line, name in _imported_modules(tree, module):
            imported = name.split(".")[1] if "." in name else None
            if imported is None or _may_import(path, importer, imported, name):
                continue
            offences.append((rel.as_posix(), line, name, importer, imported))
    return offences


def test_every_app_imports_only_downward():
    """No module imports an app to its right or beside it (but PENDING)."""
    offences = [o for o in _offences() if (o[0], o[4]) not in ALLOWED and (o[0], o[2]) not in PENDING]
    report = "\n".join(
        f"{path}:{line} imports {name} ({importer} may not import {imported})"
        for path, line, name, importer, imported in offences
    )
    assert not offences, f"Imports against the layer order:\n{report}"


def test_every_allowed_exception_is_still_needed():
    """An ALLOWED entry that no import uses any more is removed, so the list
    never grows stale (PENDING is emptied as the fixes land)."""
    used = {(path, imported) for path, _, _, _, imported in _offences()}
    assert not set(ALLOWED) - used, f"No longer needed: {sorted(set(ALLOWED) - used)}"


def test_the_rules_refuse_upward_sideways_and_public_imports():
    """The rules themselves: upward, sideways and public imports are refused."""
    here = CPEG / "groups" / "services.py"
    assert _may_import(here, "groups", "accounts") is True
    assert _may_import(here, "groups", "agreements") is False
    assert _may_import(CPEG / "monitoring" / "selectors.py", "monitoring", "funding") is False
    assert _may_import(CPEG / "activities" / "apps.py", "activities", "public") is False
    assert _may_import(CPEG / "public" / "views.py", "public", "activities", "cpeg.activities.selectors") is True
    assert _may_import(CPEG / "public" / "views.py", "public", "agreements") is False
    assert _may_import(CPEG / "funding" / "views.py", "funding", "reporting") is True
    assert _may_import(CPEG / "funding" / "selectors.py", "funding", "reporting") is False
    assert _may_import(CPEG / "groups" / "tests" / "test_views.py", "groups", "funding") is True
    assert _may_import(CPEG / "groups" / "tests" / "test_views.py", "groups", "reporting") is False
    funding = CPEG / "funding" / "selectors.py"
    assert _may_import(funding, "funding", "monitoring", "cpeg.monitoring.selectors") is True
    assert _may_import(funding, "funding", "monitoring", "cpeg.monitoring.models") is False
    public = CPEG / "public" / "selectors.py"
    assert _may_import(public, "public", "activities", "cpeg.activities.models") is False
