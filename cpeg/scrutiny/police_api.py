"""Fetching a force's month of stop and search records from the police.uk API.

``stops-force?force=<force>&date=YYYY-MM`` answers every search of the
force's month, with or without a location, as JSON (NOTES.md §2; read by
``importer.parse_api_json``). Standard library only (``urllib``): one GET,
no retries. The address is ``settings.POLICE_UK_API_URL`` when set (tests
point it at a server on 127.0.0.1; they never reach the internet).
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

DEFAULT_URL = "https://data.police.uk/api/"
TIMEOUT = 120  # seconds: a Met month is about 10 MB
USER_AGENT = "CPEG Manager (stop and search monitoring; +https://data.police.uk/)"


class FetchError(Exception):
    """The API could not be reached or gave no month: the message says why."""


def stops_force_url(force: str, month: dt.date) -> str:
    base = getattr(settings, "POLICE_UK_API_URL", DEFAULT_URL)
    return (
        urllib.parse.urljoin(base, "stops-force")
        + "?"
        + urllib.parse.urlencode({"force": force, "date": f"{month:%Y-%m}"})
    )


def fetch_stops_force(force: str, month: dt.date, *, timeout: float = TIMEOUT) -> bytes:
    """The API's answer for the force's month, as bytes; FetchError if none."""
    url = stops_force_url(force, month)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, from settings)
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise FetchError(
                f"police.uk has no stop and search records for {force} in {month:%B %Y} ({url})."
            ) from None
        if error.code in (429, 503):
            raise FetchError(
                f"police.uk is busy or the month is too large to answer (HTTP {error.code}); try again later, "
                f"or download the month's CSV from data.police.uk and import the file ({url})."
            ) from None
        raise FetchError(f"police.uk answered HTTP {error.code} for {url}.") from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(
            f"Could not reach police.uk ({reason}). Is this server connected to the internet? "
            f"Where it is not, download the month from data.police.uk elsewhere and import the file ({url})."
        ) from None
