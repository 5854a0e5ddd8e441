"""A person's personal data: officers export it on request and erase it,
history tables included (issue 14, part 4.3)."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory, UserFactory
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups import services
from cpeg.groups.personal_data import person_data_export, person_erase
from cpeg.groups.tests.factories import (
    EngagementGroupFactory,
    ExecutiveMembershipFactory,
    PersonFactory,
    VenueFactory,
    borough,
)

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zebedee Quillféather", "zeb.quill@example.org", "020 7946 0123"
OLD_EMAIL = "zq.old-address@example.net"


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def zebedee(officer):
    """A chair with a sign-in account, an earlier email in the history, and
    mentions elsewhere: a venue's notes and an audit payload."""
    camden = EngagementGroupFactory(borough=borough("camden"))
    person = ExecutiveMembershipFactory(group=camden, person=PersonFactory(full_name=NAME, email=OLD_EMAIL)).person
    services.person_update(
        person=person, actor=officer, data={"full_name": NAME, "email": EMAIL, "phone": PHONE}, loaded_version=1
    )
    UserFactory(person=person, first_name="Zebedee", last_name="Quillféather", email=EMAIL, username="zquill")
    VenueFactory(group=camden, accessibility=f"Ask {NAME} ({PHONE}) for the ramp key")
    audit_record(
        actor=officer,
        event_type=AuditEventType.GROUP_UPDATED,
        target=camden,
        summary="Contact changed",
        changes={"email": (OLD_EMAIL, EMAIL)},
    )
    person.refresh_from_db()
    return person


def _every_cell_holding(*terms) -> list[tuple[str, str]]:
    """(table, value) for every cell of every table holding one of ``terms``,
    as typed or as a JSON column stores it (non-ASCII escaped)."""
    needles = {form.lower() for term in terms for form in (term, json.dumps(term)[1:-1])}
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    text = value.decode(errors="ignore") if isinstance(value, bytes | memoryview) else str(value)
                    if any(needle in text.lower() for needle in needles):
                        found.append((table, text[:80]))
    return found


def test_the_fixture_holds_the_person_in_records_history_and_audit_payloads(zebedee):
    """The check below finds the data before erasure (so finding none after means something)."""
    tables = {table for table, _ in _every_cell_holding(NAME, EMAIL, OLD_EMAIL, PHONE)}
    assert {"groups_person", "groups_historicalperson", "accounts_user", "accounts_historicaluser"} <= tables
    assert {"groups_venue", "groups_historicalvenue", "core_auditevent"} <= tables


def test_an_officer_exports_everything_held_about_a_person_as_json(zebedee, officer):
    name, content_type, content = person_data_export(person=zebedee, actor=officer, export_format="json")
    assert name == f"person-{zebedee.pk}-personal-data.json"
    assert content_type == "application/json"
    data = json.loads(content)
    assert data["person"]["full_name"] == NAME
    assert [row["email"] for row in data["person_history"]] == [OLD_EMAIL, EMAIL]
    [account] = data["accounts"]
    assert account["email"] == EMAIL
    assert "password" not in account
    assert account["history"]
    assert "groups.ExecutiveMembership" in data["records_about_the_person"]
    assert any(m["table"] == "groups.Venue" and NAME in m["fields"]["accessibility"] for m in data["mentions"])
    assert any(m["table"] == "groups.HistoricalVenue" for m in data["mentions"])
    summaries = [event["summary"] for event in data["audit_events"]]
    assert f"Changed email and telephone of {NAME}" in summaries
    assert "Contact changed" in summaries  # names them only in its payload
    event = AuditEvent.objects.get(event_type="PERSONAL_DATA_EXPORTED")
    assert event.target_id == zebedee.pk
    assert NAME not in event.summary + json.dumps(event.payload, ensure_ascii=False)


def test_the_zip_export_has_one_file_per_section(zebedee, officer):
    name, content_type, content = person_data_export(person=zebedee, actor=officer, export_format="zip")
    assert (name, content_type) == (f"person-{zebedee.pk}-personal-data.zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = sorted(archive.namelist())
        person = json.loads(archive.read(f"person-{zebedee.pk}-personal-data/person.json"))
    assert f"person-{zebedee.pk}-personal-data/audit_events.json" in names
    assert person["email"] == EMAIL


def test_erasure_leaves_no_table_holding_the_name_or_email_history_included(zebedee, officer):
    other = PersonFactory(full_name="Other Personname", email="other@example.org")
    person_erase(person=zebedee, actor=officer)

    assert _every_cell_holding(NAME, EMAIL, OLD_EMAIL, PHONE, "Zebedee", "Quillféather") == []
    zebedee.refresh_from_db()
    assert (zebedee.full_name, zebedee.email, zebedee.phone) == (f"Erased person {zebedee.pk}", "", "")
    account = zebedee.user_accounts.get()
    assert account.is_active is False
    assert account.has_usable_password() is False
    assert account.username == f"erased-{account.pk}"
    other.refresh_from_db()
    assert (other.full_name, other.email) == ("Other Personname", "other@example.org")
    assert zebedee.executive_roles.count() == 1  # the seat is kept, without the name
    event = AuditEvent.objects.get(event_type="PERSONAL_DATA_ERASED")
    assert event.actor == officer
    assert event.payload["rows_changed"]["groups.HistoricalPerson"] == 2


def test_only_officers_export_or_erase(zebedee):
    admin = GroupAdminFactory(group=zebedee.executive_roles.get().group)
    with pytest.raises(PermissionDenied):
        person_data_export(person=zebedee, actor=admin)
    with pytest.raises(PermissionDenied):
        person_erase(person=zebedee, actor=admin)
    assert not AuditEvent.objects.filter(event_type__startswith="PERSONAL_DATA").exists()


def test_an_officer_cannot_erase_their_own_data(zebedee):
    own = zebedee.user_accounts.get()
    officer = OfficerFactory()
    officer.person = zebedee
    officer.save()
    with pytest.raises(ValidationError, match="cannot erase your own"):
        person_erase(person=zebedee, actor=officer)
    assert own.pk != officer.pk


def test_the_pages_download_and_erase_after_confirmation(client, zebedee, officer):
    client.force_login(officer)
    detail = client.get(reverse("groups:person-detail", kwargs={"pk": zebedee.pk}))
    assert reverse("groups:person-personal-data", kwargs={"pk": zebedee.pk}) in detail.content.decode()
    url = reverse("groups:person-personal-data", kwargs={"pk": zebedee.pk})
    assert client.get(url).status_code == 200
    unselected = client.post(url, {})
    assert unselected.status_code == 400
    assert "Select a format for the download" in unselected.content.decode()
    download = client.post(url, {"format": "json"})
    assert download["Content-Disposition"] == f'attachment; filename="person-{zebedee.pk}-personal-data.json"'
    assert json.loads(download.content)["person"]["email"] == EMAIL

    erase_url = reverse("groups:person-erase", kwargs={"pk": zebedee.pk})
    unconfirmed = client.post(erase_url, {})
    assert unconfirmed.status_code == 400
    assert "Select the box to confirm the erasure" in unconfirmed.content.decode()
    zebedee.refresh_from_db()
    assert zebedee.full_name == NAME
    response = client.post(erase_url, {"confirm": "yes"})
    assert response.status_code == 302
    zebedee.refresh_from_db()
    assert zebedee.full_name == f"Erased person {zebedee.pk}"
