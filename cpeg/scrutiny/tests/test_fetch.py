"""``import_stop_and_search --fetch``: the police.uk API asked for a force's
month, against a server on 127.0.0.1 serving fixture JSON (never the internet)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command

from cpeg.groups.tests.factories import borough
from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.models import StopSearch, StopSearchImport

pytestmark = pytest.mark.django_db


def _record(when="2018-10-05T14:30:00+00:00", location=("51.5390", "-0.1426"), outcome="Arrest"):
    """One search in the API's format (NOTES.md §2: coordinates are strings)."""
    return {
        "type": "Person search",
        "involved_person": True,
        "datetime": when,
        "operation": None,
        "operation_name": None,
        "location": None
        if location is None
        else {"latitude": location[0], "longitude": location[1], "street": {"id": 1, "name": "On or near "}},
        "gender": "Male",
        "age_range": "18-24",
        "self_defined_ethnicity": "White - Irish",
        "officer_defined_ethnicity": "White",
        "legislation": "Misuse of Drugs Act 1971 (section 23)",
        "object_of_search": "Controlled drugs",
        "outcome": outcome,
        "outcome_object": {"id": "bu-arrest", "name": "Arrest"},
        "outcome_linked_to_object_of_search": None,
        "removal_of_more_than_outer_clothing": None,
    }


@pytest.fixture
def police_api(settings):
    """A police.uk stand-in on 127.0.0.1: ``answers[(force, date)]`` is the JSON
    or an HTTP status; every request is kept in ``requests``."""
    answers, requests = {}, []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            requests.append((url.path, query))
            answer = answers.get((query.get("force"), query.get("date")), 404)
            if isinstance(answer, int):
                self.send_response(answer)
                self.end_headers()
                return
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.POLICE_UK_API_URL = f"http://127.0.0.1:{server.server_address[1]}/api/"
    yield answers, requests
    server.shutdown()
    server.server_close()


def test_fetch_imports_the_forces_month(police_api):
    answers, requests = police_api
    borough("camden")
    answers[("metropolitan", "2018-10")] = [_record(), _record(location=None, outcome="")]
    out = StringIO()
    call_command("import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "2018-10", stdout=out)
    assert requests == [("/api/stops-force", {"force": "metropolitan", "date": "2018-10"})]
    assert "2 searches imported" in out.getvalue()
    assert "1 with no location" in out.getvalue()
    record = StopSearchImport.objects.get()
    assert (record.status, record.file_name) == (ImportStatus.DONE, "stops-force-metropolitan-2018-10.json")
    assert sorted(StopSearch.objects.values_list("profile__outcome", flat=True)) == ["arrest", "none"]
    # Fetching again replaces the month (idempotent).
    call_command("import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "2018-10", stdout=out)
    assert StopSearch.objects.count() == 2


def test_a_fetched_month_with_a_bad_record_saves_nothing(police_api):
    answers, _ = police_api
    answers[("metropolitan", "2018-10")] = [_record(), _record(when="2018-11-20T10:00:00+00:00")]
    out = StringIO()
    with pytest.raises(CommandError, match="nothing saved"):
        call_command("import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "2018-10", stdout=out)
    assert "record 2: The search on 20 November 2018" in out.getvalue()
    assert not StopSearch.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"), [(404, "has no stop and search records"), (503, "busy or the month is too large")]
)
def test_an_api_error_is_said_plainly(police_api, status, message):
    answers, _ = police_api
    answers[("metropolitan", "2018-10")] = status
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "2018-10", stdout=StringIO()
        )
    assert not StopSearchImport.objects.exists()


def test_no_network_is_said_plainly(settings):
    # A port nothing listens on, on this machine: the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.POLICE_UK_API_URL = f"http://127.0.0.1:{port}/api/"
    with pytest.raises(CommandError, match="Could not reach police.uk .*connected to the internet"):
        call_command(
            "import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "2018-10", stdout=StringIO()
        )
    assert not StopSearchImport.objects.exists()


def test_fetch_needs_a_force_and_a_month():
    with pytest.raises(CommandError, match="--fetch needs --force and --month"):
        call_command("import_stop_and_search", "--fetch", "--month", "2018-10", stdout=StringIO())
    with pytest.raises(CommandError, match="give a month as YYYY-MM"):
        call_command(
            "import_stop_and_search", "--fetch", "--force", "metropolitan", "--month", "Oct", stdout=StringIO()
        )
