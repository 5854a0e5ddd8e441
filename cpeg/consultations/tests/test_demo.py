"""The demo's consultations reproduce the annual review's figures, computed
from the response records by the same code the pages use."""

import datetime as dt

import pytest
from django.urls import reverse

from cpeg.accounts.models import User
from cpeg.consultations import figures
from cpeg.consultations.models import Consultation, ConsultationResponse

pytestmark = pytest.mark.django_db


def _figures(title):
    consultation = Consultation.objects.get(title=title)
    return consultation, figures.participation(ConsultationResponse.objects.all(), [consultation.pk])[consultation.pk]


def test_the_past_years_policing_plan_shows_6_groups_289_organisations_and_14_individuals(demo_data, client):
    consultation, result = _figures("Policing plan consultation 2025/26")
    assert (result.responded, result.organisations, result.individuals) == (6, 289, 14)
    # Hand computation from the rows themselves.
    counted = ConsultationResponse.objects.filter(consultation=consultation, status="submitted", decision="responding")
    assert sum(counted.values_list("organisations_count", flat=True)) == 289
    assert counted.filter(is_late=True).count() == 1
    client.force_login(User.objects.get(username="officer"))
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "6 groups responded, representing 289 member organisations and 14 individuals" in html
    # The year-on-year change: up from 4 groups the year before.
    previous, before = _figures("Policing plan consultation 2024/25")
    assert before.responded == 4
    assert before.asked == result.asked == 32
    change = figures.RateChange(previous.title, "2024/25", before, result)
    assert change.text == "Up 6.3 percentage points from 12.5% in 2024/25 (Policing plan consultation 2024/25)"
    assert change.text in html


def test_the_past_years_stop_and_search_shows_5_groups_and_170_organisations(demo_data):
    _consultation, result = _figures("Stop and search consultation 2025/26")
    assert (result.responded, result.organisations) == (5, 170)


def test_this_years_budget_has_a_late_response_waiting(demo_data):
    _consultation, result = _figures("Budget consultation 2026/27")
    assert result.late == 1
    assert result.responded == 3


def test_the_demo_has_the_past_years_programmes_with_gaps_and_two_way_mechanisms(demo_data):
    from cpeg.accounts.models import User
    from cpeg.consultations import programmes
    from cpeg.consultations.models import PartnerProgramme, TwoWayMechanism

    assert PartnerProgramme.objects.filter(financial_year=2025).count() == 7
    matrix = programmes.programme_matrix(user=User.objects.get(username="officer"), year=2025)
    assert len(matrix.rows) == 32
    # Every fifth cell is left empty in the demo: 32 x 7 cells, 45 empty
    # (hand count of (index + number) % 5 == 0), each a gap.
    empty = sum(1 for index in range(32) for number in range(7) if (index + number) % 5 == 0)
    assert matrix.gaps == empty
    # Face the People sessions are linked to the activities recorded.
    assert TwoWayMechanism.objects.filter(kind="face_the_people", activity__isnull=False).exists()


def test_the_demo_records_policing_pledge_reports_counted_by_hand(demo_data):
    from cpeg.accounts.models import User
    from cpeg.activities.models import Activity
    from cpeg.consultations import pledge
    from cpeg.consultations.models import PledgeReport
    from cpeg.core.fiscal import FinancialYear

    meetings = list(
        Activity.objects.filter(
            activity_type="public_meeting",
            borough_commander_present=True,
            withdrawn_at__isnull=True,
            held_on__gte=FinancialYear(2025).starts_on,
            held_on__lte=dt.date(2026, 11, 24),
        ).order_by("held_on", "id")
    )
    assert PledgeReport.objects.count() == len(meetings) > 100
    # By hand for 2025/26: performance unless index % 5 == 4, confidence on even indexes.
    year = FinancialYear(2025)
    in_year = [i for i, m in enumerate(meetings) if year.contains(m.held_on)]
    _rows, totals = pledge.pledge_summary(user=User.objects.get(username="officer"), year=year)
    assert totals.recorded == len(in_year)
    assert totals.performance == sum(1 for i in in_year if i % 5 != 4)
    assert totals.confidence == sum(1 for i in in_year if i % 2 == 0)


def test_the_demo_has_ward_panels_and_chairs_forum_meetings(demo_data):
    from cpeg.accounts.models import User
    from cpeg.consultations import partnerships
    from cpeg.consultations.models import ChairsForumMeeting, WardPanel
    from cpeg.core.fiscal import FinancialYear
    from cpeg.groups.models import Borough

    assert WardPanel.objects.count() == 15
    camden = partnerships.borough_partnerships(borough=Borough.objects.get(slug="camden"))
    assert camden.panels == 9
    assert [name for name, _panels in camden.clusters] == ["North cluster", "South cluster"]
    assert camden.chaired >= 1
    page = partnerships.forum_page(user=User.objects.get(username="officer"), year=FinancialYear(2025))
    assert len(page.meetings) == 4
    assert all(meeting.minutes for meeting in page.meetings)
    # Group at index i of the 32 (by name) attends the meetings at months
    # 1, 4, 7, 10 where (i + months) % 4 != 0.
    expected = [sum(1 for months in (1, 4, 7, 10) if (i + months) % 4 != 0) for i in range(32)]
    assert [n for _group, n in page.attendance] == expected
    assert ChairsForumMeeting.objects.filter(held_on__gt=dt.date(2026, 11, 24)).count() == 0


def test_a_demo_return_shows_the_groups_policing_plan_response(demo_data, client):
    from cpeg.monitoring.models import QuarterlyReturn

    qr = QuarterlyReturn.objects.get(group__borough__slug="camden", financial_year=2025, quarter=4)
    client.force_login(User.objects.get(username="officer"))
    html = client.get(qr.get_absolute_url()).content.decode()
    assert "Policing plan consultation 2025/26: responded for 68 member organisations and 4 individuals" in html
    assert "Policing Pledge report" not in html  # the text names the meeting, not the model
    assert "the borough commander reported performance" in html
