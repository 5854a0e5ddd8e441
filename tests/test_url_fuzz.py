"""Every URL pattern with ids no record has gets an answer, never a 500.

Issue 14, finding 6: ``/funding/cost-analysis/0/lines/`` raised ValueError.
This walks the whole resolver and requests each pattern with zero,
negative, out-of-range, huge and non-numeric values in every parameter, as
each role, and collects every server error with its traceback.

500s in funding, monitoring and reporting belong to the engineers changing
those apps now: they are listed in ``KNOWN_500S`` below (URL name and the
reason), checked by their own test that fails once they are fixed, so the
list is pruned rather than left to rot. Delete an entry when it is fixed,
and the list with its test when it is empty.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import World

ROLES = ("anonymous", "camden_admin", "camden_exec", "link_member", "officer", "manager")
BAD_VALUES = ("0", "-1", "2147483648", "99999999999999999999", "abc")
# The value given to every other parameter while one is fuzzed: a real id
# (the World's Camden group is among the first rows) or a plain word.
PLAIN = {"int": "1", "fy": "2025", "slug": "camden", "str": "x", "path": "x", "uuid": None}

# URL name -> why it still answers 500. Empty when every app is fixed.
KNOWN_500S: dict[str, str] = {}

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Pattern:
    name: str
    template: str  # "/funding/cost-analysis/{year}/lines/"
    converters: dict  # parameter -> converter name


def _parts(pattern) -> tuple[str, dict]:
    """A pattern's text with ``{name}`` for each parameter, and converters."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        converters = {m["name"]: m["converter"] or "str" for m in _ROUTE_PARAM.finditer(text)}
        return _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", text), converters
    # A regex pattern (the admin's app list, "view on site"): drop anchors.
    text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    converters = {m["name"]: "str" for m in _REGEX_PARAM.finditer(text)}
    return _REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", text).replace("\\", ""), converters


def _patterns(resolver=None, prefix="/", namespace="") -> list[Pattern]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        text, converters = _parts(entry)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for inner in _patterns(entry, prefix + text, ns):
                found.append(Pattern(inner.name, inner.template, converters | inner.converters))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(Pattern(f"{namespace}{entry.name}", prefix + text, converters))
    return found


def _urls(pattern: Pattern) -> list[str]:
    """The pattern with each parameter in turn, then all at once, bad."""
    if not pattern.converters:
        return []
    plain = {name: PLAIN.get(conv) or "1" for name, conv in pattern.converters.items()}
    urls = []
    for value in BAD_VALUES:
        for name in pattern.converters:
            urls.append(pattern.template.format(**(plain | {name: value})))
        urls.append(pattern.template.format(**dict.fromkeys(pattern.converters, value)))
    return list(dict.fromkeys(urls))


PATTERNS = [p for p in _patterns() if p.converters]


def test_the_walk_finds_the_patterns_with_ids():
    names = {p.name for p in PATTERNS}
    assert {"groups:group-detail", "groups:person-detail", "accounts:password-reset-confirm"} <= names
    assert len(PATTERNS) > 40


def _server_errors(patterns) -> dict[str, list[str]]:
    """URL name -> "role GET url" and traceback, for every 500."""
    world = World()
    errors: dict[str, list[str]] = {}
    caught = []

    def record(sender, request=None, **kwargs):
        caught.append(traceback.format_exc(limit=-6))

    got_request_exception.connect(record)
    try:
        for role in ROLES:
            client = Client(raise_request_exception=False)
            if world.users[role] is not None:
                client.force_login(world.users[role])
            for pattern in patterns:
                for url in _urls(pattern):
                    caught.clear()
                    response = client.get(url)
                    if response.status_code >= 500:
                        detail = caught[-1] if caught else f"HTTP {response.status_code}"
                        errors.setdefault(pattern.name, []).append(f"{role} GET {url}\n{detail}")
    finally:
        got_request_exception.disconnect(record)
    return errors


def _report(errors) -> str:
    """One line per URL name: the first failing request and its exception."""
    lines = []
    for name, found in sorted(errors.items()):
        request, _, trace = found[0].partition("\n")
        last = [line for line in trace.strip().splitlines() if line.strip()][-1:] or [""]
        lines.append(f"{name} ({len(found)} requests): {request} -> {last[0]}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_no_url_answers_a_server_error_for_a_bad_id_whoever_asks():
    patterns = [p for p in PATTERNS if p.name not in KNOWN_500S]
    errors = _server_errors(patterns)
    assert not errors, "Server errors:\n" + _report(errors)


@pytest.mark.django_db
@pytest.mark.skipif(not KNOWN_500S, reason="no known server errors left: delete this test and KNOWN_500S")
def test_the_known_server_errors_are_still_there():
    """When one is fixed, delete its entry in KNOWN_500S (this fails until then)."""
    errors = _server_errors([p for p in PATTERNS if p.name in KNOWN_500S])
    fixed = sorted(set(KNOWN_500S) - set(errors))
    assert not fixed, f"Fixed: delete these from KNOWN_500S: {fixed}"
