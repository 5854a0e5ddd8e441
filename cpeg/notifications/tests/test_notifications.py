"""Emails about business events: who is told, what they read, retries, digests."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, ManagerFactory, OfficerFactory
from cpeg.agreements.tests.factories import chair_user, group_sla
from cpeg.core.models import AuditEvent
from cpeg.funding.services.payments import payment_mark_paid
from cpeg.funding.tests.factories import AwardFactory, FundingApplicationFactory, FundingRoundFactory, PaymentFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services as monitoring_services
from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.tests.factories import QuarterlyReturnFactory
from cpeg.notifications import services
from cpeg.notifications.choices import MAX_ATTEMPTS, Frequency, NotificationStatus
from cpeg.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"), name="Camden CPEG")


def _submitted(group):
    return QuarterlyReturnFactory(group=group, financial_year=2025, quarter=2, status=ReturnStatus.SUBMITTED)


def test_a_return_sent_back_emails_the_groups_people_with_the_comments(camden, django_capture_on_commit_callbacks):
    admin = GroupAdminFactory(group=camden)
    executive = GroupExecutiveFactory(group=camden)
    GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    qr = _submitted(camden)
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_send_back(
            quarterly_return=qr, actor=OfficerFactory(), comments="Please add the June meeting"
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, executive.email])
    message = mail.outbox[0]
    assert message.subject == "Your quarterly return for Q2 2025/26 has been sent back for changes"
    assert "Please add the June meeting" in message.body
    assert qr.get_absolute_url() in message.body
    assert "&#x27;" not in message.body  # plain text, not HTML-escaped
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_nothing_is_sent_inside_the_changes_transaction_only_after_it_commits(
    camden, django_capture_on_commit_callbacks
):
    officer = OfficerFactory()
    qr = _submitted(camden)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        monitoring_services.return_accept(quarterly_return=qr, actor=officer)
    # Nothing is sent inside the change's transaction: only queued for after it.
    assert mail.outbox == []
    assert len(callbacks) == 1

    camden_admin = GroupAdminFactory(group=camden)
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[camden_admin.email]]
    assert "has been accepted" in mail.outbox[0].subject


def test_a_person_who_chose_a_daily_digest_gets_one_email_listing_every_event(
    camden, django_capture_on_commit_callbacks
):
    admin = GroupAdminFactory(group=camden)
    services.preference_set(user=admin, actor=admin, frequency=Frequency.DAILY)
    officer = OfficerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_accept(quarterly_return=_submitted(camden), actor=officer)
        monitoring_services.return_send_back(
            quarterly_return=QuarterlyReturnFactory(group=camden, quarter=3, status=ReturnStatus.SUBMITTED),
            actor=officer,
            comments="Add the figures",
        )
    assert mail.outbox == []
    assert Notification.objects.filter(status=NotificationStatus.IN_DIGEST).count() == 2

    call_command("send_notification_digest", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [admin.email]
    assert "2 updates" in digest.subject
    assert "accepted" in digest.body
    assert "sent back" in digest.body
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}

    # One digest a day: a second run that day sends nothing, even for new items.
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_accept(
            quarterly_return=QuarterlyReturnFactory(group=camden, quarter=4, status=ReturnStatus.SUBMITTED),
            actor=officer,
        )
    call_command("send_notification_digest", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    services.digest_send(today=timezone.localdate() + dt.timedelta(days=1))
    assert len(mail.outbox) == 2


def _refuse(self, *args, **kwargs):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_refused_email_is_tried_again_a_bounded_number_of_times_then_shown_failed(
    camden, client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(EmailMessage, "send", _refuse)
    admin = GroupAdminFactory(group=camden)
    qr = _submitted(camden)
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_accept(quarterly_return=qr, actor=OfficerFactory())

    notification = Notification.objects.get(recipient=admin)
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in notification.last_error

    client.force_login(OfficerFactory())
    page = client.get(reverse("notifications:notification-list") + "?status=failed")
    assert page.status_code == 200
    assert "Connection unexpectedly closed" in page.content.decode()
    record = client.get(qr.get_absolute_url()).content.decode()
    assert "Emails sent about this" in record
    assert "has been accepted" in record


def test_sla_ready_to_sign_is_told_only_to_those_who_may_sign(camden, django_capture_on_commit_callbacks):
    chair = chair_user(group=camden)
    GroupAdminFactory(group=camden)
    with django_capture_on_commit_callbacks(execute=True):
        sla = group_sla(group=camden)
    assert [m.to for m in mail.outbox] == [[chair.email]]
    assert "ready to sign" in mail.outbox[0].subject
    assert reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": sla.financial_year}) in mail.outbox[0].body


def test_a_payment_made_is_told_to_the_group_with_the_amount(camden, django_capture_on_commit_callbacks):
    admin = GroupAdminFactory(group=camden)
    payment = PaymentFactory(award=AwardFactory(group=camden))
    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(payment=payment, actor=OfficerFactory(), paid_on=timezone.localdate())
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "£10,000.00" in mail.outbox[0].body


def test_round_deadline_reminders_go_once_to_groups_that_have_not_applied(camden, django_capture_on_commit_callbacks):
    admin = GroupAdminFactory(group=camden)
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    GroupAdminFactory(group=hackney)
    funding_round = FundingRoundFactory(closes_on=timezone.localdate() + dt.timedelta(days=3))
    FundingApplicationFactory(funding_round=funding_round, group=hackney, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_deadline_reminders_create(days_before=7) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_deadline_reminders_create(days_before=7) == 0
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "due in 3 days" in mail.outbox[0].body


def test_events_that_send_no_email_write_no_notification(camden, django_capture_on_commit_callbacks):
    GroupAdminFactory(group=camden)
    qr = QuarterlyReturnFactory(group=camden)
    from cpeg.core.audit import audit_record
    from cpeg.core.audit_events import AuditEventType

    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=None, event_type=AuditEventType.RETURN_UPDATED, target=qr, group=camden, summary="x")
    assert Notification.objects.count() == 0
    assert AuditEvent.objects.count() == 1


def test_changing_the_preference_is_audited_and_only_for_ones_own_account(client):
    admin = GroupAdminFactory(group=EngagementGroupFactory())
    client.force_login(admin)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    response = client.post(reverse("notifications:preferences"), {"frequency": "daily"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=admin).frequency == Frequency.DAILY
    event = AuditEvent.objects.get(event_type="NOTIFICATION_PREFERENCE_CHANGED")
    assert event.actor == admin
    assert event.payload["changes"]["frequency"]["new"] == Frequency.DAILY.label

    empty = client.post(reverse("notifications:preferences"), {})
    assert empty.status_code == 400
    assert "Select how often you want to get emails" in empty.content.decode()

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.preference_set(user=OfficerFactory(), actor=admin, frequency=Frequency.DAILY)


@pytest.mark.parametrize("size", [3, 30])
def test_the_officers_list_takes_the_same_queries_at_two_sizes(
    camden, client, django_assert_max_num_queries, django_capture_on_commit_callbacks, size
):
    for _ in range(size):
        GroupAdminFactory(group=camden)
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_accept(quarterly_return=_submitted(camden), actor=OfficerFactory())
    client.force_login(ManagerFactory())
    with django_assert_max_num_queries(15):
        response = client.get(reverse("notifications:notification-list"))
    assert len(response.context["page"].object_list) == size


def _record(event_type, target, group):
    from cpeg.core.audit import audit_record

    return audit_record(actor=None, event_type=event_type, target=target, group=group, summary="event")


@pytest.mark.parametrize(
    ("event_type", "make", "told", "subject"),
    [
        (
            "RETURN_SUBMITTED",
            lambda g: QuarterlyReturnFactory(group=g, status=ReturnStatus.SUBMITTED),
            "officer",
            "Camden CPEG submitted its quarterly return for Q2 2025/26",
        ),
        (
            "FUNDING_APPLICATION_SUBMITTED",
            lambda g: FundingApplicationFactory(group=g, submitted=True),
            "officer",
            "Camden CPEG submitted its application to",
        ),
        (
            "FUNDING_ROUND_CREATED",
            lambda g: FundingRoundFactory(title="CPEG funding 2027/28"),
            "group",
            "Funding round open",
        ),
        ("FUNDING_AWARD_DECIDED", lambda g: AwardFactory(group=g, amount="35000.00"), "group", "your group's award"),
    ],
)
def test_each_event_reaches_the_people_it_concerns(
    camden, django_capture_on_commit_callbacks, event_type, make, told, subject
):
    people = {"officer": OfficerFactory(), "group": GroupAdminFactory(group=camden)}
    ManagerFactory()
    target = make(camden)
    with django_capture_on_commit_callbacks(execute=True):
        _record(event_type, target, camden)
    assert [m.to for m in mail.outbox] == [[people[told].email]]
    assert subject in mail.outbox[0].subject
    if event_type == "FUNDING_AWARD_DECIDED":
        assert "£35,000.00" in mail.outbox[0].body


def test_a_groups_person_sees_on_the_record_only_the_emails_sent_to_them(
    camden, client, django_capture_on_commit_callbacks
):
    admin = GroupAdminFactory(group=camden, first_name="Ada", last_name="Admin")
    GroupExecutiveFactory(group=camden, first_name="Ezra", last_name="Exec")
    qr = _submitted(camden)
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.return_accept(quarterly_return=qr, actor=OfficerFactory())
    assert Notification.objects.count() == 2

    client.force_login(admin)
    page = client.get(qr.get_absolute_url()).content.decode()
    assert "Emails sent about this to you" in page
    assert page.count("Your quarterly return for Q2 2025/26 has been accepted") == 1
    assert "Ezra Exec" not in page
