"""The return in sections: the task list's statuses (worked out from what is
saved), each section saved on its own, check your answers, and every error
in one pass."""

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.models import ReturnLine
from cpeg.monitoring.sections import (
    COMPLETED,
    CORE_TITLE,
    IN_PROGRESS,
    NOT_STARTED,
    Section,
    line_field_key,
    missing_answers,
    return_sections,
)
from cpeg.monitoring.tests.factories import camden_with_activities, complete_lines, q2_return

PUBLICISE = "Publicise the group's role, functions and achievements"


def _line(**fields):
    defaults = {"output": "Hold meetings", "suggested_rag": Rag.AMBER, "rag": Rag.AMBER}
    return ReturnLine(**{**defaults, **fields})


# --- Statuses (no database) ----------------------------------------------------


def test_a_section_is_not_started_until_something_is_saved_in_it():
    # The suggested status filled in when the return opened is not an answer.
    assert Section(1, "A", [_line(), _line(suggested_rag="", rag="")]).status == NOT_STARTED


@pytest.mark.parametrize(
    "fields",
    [
        {"progress": "Two meetings held"},
        {"barriers": "No hall"},
        {"support_requested": "A venue"},
        {"rag": Rag.GREEN},  # a status the group chose, still without its reason
        {"suggested_rag": "", "rag": Rag.GREEN},
    ],
)
def test_a_section_is_in_progress_once_anything_is_saved_but_an_answer_is_missing(fields):
    section = Section(1, "A", [_line(**fields), _line()])
    assert section.status == IN_PROGRESS
    assert section.status_label == "In progress"


def test_a_section_is_completed_when_every_output_has_a_status_progress_and_any_reason_needed():
    done = _line(progress="On plan")
    overridden = _line(rag=Rag.GREEN, progress="On plan")
    assert Section(1, "A", [done, overridden]).status == IN_PROGRESS
    assert [m.field for m in missing_answers(overridden)] == ["rag_override_reason"]
    overridden.rag_override_reason = "Two more are booked"
    assert Section(1, "A", [done, overridden]).status == COMPLETED
    no_status = _line(suggested_rag="", rag="", progress="On plan")
    assert [m.message for m in missing_answers(no_status)] == ["Select a RAG status for Hold meetings"]


def test_sections_follow_the_sla_headings_in_order_with_core_requirements_for_no_heading():
    lines = [
        _line(output="a", heading_title=""),
        _line(output="b", heading_title=PUBLICISE),
        _line(output="c", heading_title="Fit for purpose"),
        _line(output="d", heading_title=PUBLICISE),
    ]
    sections = return_sections(lines)
    assert [(s.number, s.title, [line.output for line in s.lines]) for s in sections] == [
        (1, CORE_TITLE, ["a"]),
        (2, PUBLICISE, ["b", "d"]),
        (3, "Fit for purpose", ["c"]),
    ]


# --- Pages ---------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    day = dt.date(2025, 10, 1)
    monkeypatch.setattr("cpeg.monitoring.views._today", lambda: day)
    return day


@pytest.fixture
def qr(today, db):
    """Camden's Q2 return, its first two lines under a second heading."""
    qr = q2_return(camden_with_activities())
    first_two = [line.pk for line in qr.lines.order_by("position", "id")[:2]]
    ReturnLine.objects.filter(pk__in=first_two).update(heading_title=PUBLICISE)
    return qr


@pytest.fixture
def admin(qr):
    return GroupAdminFactory(group=qr.group)


def _url(name, qr, **kwargs):
    return reverse(f"monitoring:{name}", kwargs={"pk": qr.pk, **kwargs})


def _sections(qr):
    return return_sections(list(qr.lines.order_by("position", "id")))


def _section_data(qr, section, **overrides):
    data = {"version": qr.version}
    for line in section.lines:
        data[line_field_key(line, "rag")] = line.suggested_rag or Rag.GREEN
        data[line_field_key(line, "progress")] = "On plan"
    data.update(overrides)
    return data


def _statuses(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'class="govuk-task-list__status" id="section-\d+-status">(.*?)</div>', html, re.S)
    ]


def test_the_task_list_shows_each_section_with_its_status_from_what_is_saved(client, qr, admin):
    client.force_login(admin)
    sections = _sections(qr)
    assert [s.title for s in sections] == [PUBLICISE, CORE_TITLE]
    page = client.get(_url("return-edit", qr)).content.decode()
    assert "govuk-task-list" in page
    assert _statuses(page) == ["Not started", "Not started"]
    assert "You have completed 0 of 2 sections." in page
    for s in sections:
        assert f'href="{_url("return-section", qr, number=s.number)}"' in page
    assert f'href="{_url("return-check", qr)}"' in page

    # Progress on one line of the first section: in progress.
    line = sections[0].lines[0]
    data = {"version": qr.version, line_field_key(line, "progress"): "One newsletter out"}
    assert client.post(_url("return-section", qr, number=1), data).status_code == 302
    assert _statuses(client.get(_url("return-edit", qr)).content.decode()) == ["In progress", "Not started"]

    # The whole first section: completed.
    qr.refresh_from_db()
    assert client.post(_url("return-section", qr, number=1), _section_data(qr, sections[0])).status_code == 302
    page = client.get(_url("return-edit", qr)).content.decode()
    assert _statuses(page) == ["Completed", "Not started"]
    assert "You have completed 1 of 2 sections." in page


@pytest.mark.django_db
def test_a_section_saves_its_own_lines_only_and_keeps_the_other_sections_answers(client, qr, admin):
    client.force_login(admin)
    first, second = _sections(qr)
    other = second.lines[0]
    ReturnLine.objects.filter(pk=other.pk).update(progress="Kept as it was")
    page = client.get(_url("return-section", qr, number=1)).content.decode()
    assert "section 1 of 2" in page
    assert all(line_field_key(line, "progress") in page for line in first.lines)
    assert line_field_key(other, "progress") not in page
    response = client.post(_url("return-section", qr, number=1), _section_data(qr, first))
    assert response.status_code == 302
    assert set(qr.lines.filter(progress="On plan").values_list("pk", flat=True)) == {line.pk for line in first.lines}
    assert qr.lines.get(pk=other.pk).progress == "Kept as it was"
    qr.refresh_from_db()
    assert qr.version == 2  # the return's edit version guards every section


@pytest.mark.django_db
def test_a_sections_errors_are_about_its_own_fields_and_all_arrive_in_one_pass(client, qr, admin):
    """A text too long and a status without its reason, together: before, the
    form reported the length and the reason only on the next try."""
    client.force_login(admin)
    first, second = _sections(qr)
    counted = next(line for line in first.lines + second.lines if line.suggested_rag)
    number = 1 if counted in first.lines else 2
    section = first if number == 1 else second
    other = next(line for line in section.lines if line.pk != counted.pk)
    overrides = {
        line_field_key(counted, "rag"): Rag.RED if counted.suggested_rag != Rag.RED else Rag.GREEN,
        line_field_key(other, "barriers"): "x" * 4001,
    }
    response = client.post(_url("return-section", qr, number=number), _section_data(qr, section, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    assert f"Enter why {counted.output} is" in summary
    assert "4,000 characters or fewer" in summary
    assert summary.count("<li") == 2  # nothing about the other section's empty lines
    assert "x" * 4001 in html  # what was typed is kept
    assert not qr.lines.filter(progress="On plan").exists()


@pytest.mark.django_db
def test_a_section_that_does_not_exist_is_a_404_and_a_submitted_returns_sections_are_closed(client, qr, admin):
    client.force_login(admin)
    assert client.get(_url("return-section", qr, number=3)).status_code == 404
    assert client.get(_url("return-section", qr, number=0)).status_code == 404
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin)
    response = client.get(_url("return-section", qr, number=1), follow=True)
    assert b"This return has been submitted, so it cannot be changed." in response.content
    assert client.get(_url("return-edit", qr)).status_code == 302


@pytest.mark.django_db
def test_check_your_answers_links_each_answer_and_each_missing_one_to_its_section_and_field(client, qr, admin):
    client.force_login(admin)
    sections = _sections(qr)
    page = client.get(_url("return-check", qr)).content.decode()
    assert "govuk-summary-list" in page
    for s in sections:
        section_url = _url("return-section", qr, number=s.number)
        for line in s.lines:
            assert f'href="{section_url}#id_{line_field_key(line, "progress")}"' in page
            assert f'href="{section_url}#id_{line_field_key(line, "rag")}_1"' in page  # the first radio
    missing = sum(len(s.missing) for s in sections)
    assert f"{missing} answers still missing" in page
    assert "Submit to the authority" in page


@pytest.mark.django_db
def test_submitting_lists_every_missing_answer_at_once_each_linking_to_its_section_and_field(client, qr, admin):
    client.force_login(admin)
    first, second = _sections(qr)
    done = second.lines[0]
    ReturnLine.objects.filter(pk=done.pk).update(rag=done.suggested_rag or Rag.GREEN, progress="On plan")
    qr.refresh_from_db()
    response = client.post(_url("return-submit", qr), {"version": qr.version})
    assert response.status_code == 400
    html = response.content.decode()
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html[html.index('id="submit-errors"') :])
    links = [(href, unescape(text)) for href, text in links]
    lines = list(qr.lines.all())
    assert len(links) == sum(not x.progress for x in lines) + sum(not x.rag for x in lines)
    by_text = {t: h for h, t in links}
    for s in (first, second):
        section_url = _url("return-section", qr, number=s.number)
        for line in s.lines:
            if line.pk == done.pk:
                assert f"Enter the progress on {line.output}" not in by_text
                continue
            progress = f"{section_url}#id_{line_field_key(line, 'progress')}"
            assert by_text[f"Enter the progress on {line.output}"] == progress
            if not line.rag:
                assert by_text[f"Select a RAG status for {line.output}"] == (
                    f"{section_url}#id_{line_field_key(line, 'rag')}_1"
                )
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.DRAFT


@pytest.mark.django_db
def test_save_and_submit_reports_the_missing_reason_and_every_missing_answer_together(qr, admin):
    line = qr.lines.exclude(suggested_rag="").order_by("position").first()
    other = Rag.RED if line.suggested_rag != Rag.RED else Rag.GREEN
    with pytest.raises(ValidationError) as caught:
        services.return_save_and_submit(
            quarterly_return=qr,
            actor=admin,
            answers={line.pk: {"rag": other, "progress": "Behind"}},
            loaded_version=qr.version,
        )
    keys = set(caught.value.error_dict)
    assert line_field_key(line, "rag_override_reason") in keys
    empty = [x for x in qr.lines.all() if x.pk != line.pk]
    assert {line_field_key(x, "progress") for x in empty} <= keys
    assert line_field_key(line, "progress") not in keys
    assert not qr.lines.filter(progress="Behind").exists()


@pytest.mark.django_db
def test_an_officer_reads_the_check_page_without_change_links_and_reviews_from_it(client, qr, admin):
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin)
    client.force_login(OfficerFactory())
    page = client.get(_url("return-check", qr)).content.decode()
    assert "Answers in the return for" in page
    assert ">Change<" not in page
    assert "Submit to the authority" not in page
    assert f'href="{_url("return-review", qr)}"' in page
    # The group's own page no longer offers a section to change either.
    client.force_login(admin)
    assert ">Change<" not in client.get(_url("return-check", qr)).content.decode()


@pytest.mark.django_db
def test_the_task_list_and_check_pages_run_a_bounded_number_of_queries(
    client, qr, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    for name in ("return-edit", "return-check"):
        with django_assert_max_num_queries(30):
            assert client.get(_url(name, qr)).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(_url("return-section", qr, number=1)).status_code == 200


class _Forms(HTMLParser):
    """The page's POST forms as a browser without JavaScript would send them:
    (action, {name: value}) with each radio group's checked value, plus the
    radio choices and links found."""

    def __init__(self):
        super().__init__()
        self.forms, self.radios, self.links = [], {}, []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method") == "post":
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and self.forms and a.get("name"):
            data = self.forms[-1][1]
            if a.get("type") == "radio":
                self.radios.setdefault(a["name"], []).append(a["value"])
                if "checked" in a:
                    data[a["name"]] = a["value"]
            else:
                data[a["name"]] = a.get("value", "")
        elif tag == "textarea" and self.forms:
            self._textarea = a["name"]
            self.forms[-1][1][a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][1][self._textarea] += data


def _parse(response) -> _Forms:
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.django_db
def test_the_whole_journey_is_plain_form_posts_that_work_without_javascript(client, qr, admin):
    """Follow the links and submit the forms exactly as the HTML gives them
    (no script): the task list, each section, the check page, submit."""
    client.force_login(admin)
    tasks_url = _url("return-edit", qr)
    tasks = _parse(client.get(tasks_url))
    section_urls = [href for href in tasks.links if "/sections/" in href]
    assert len(section_urls) == 2
    for url in section_urls:
        page = _parse(client.get(url))
        action, data = next(f for f in page.forms if f[0] in ("", url))  # not the header's sign-out
        for name, values in page.radios.items():
            data.setdefault(name, "green" if "green" in values else values[0])
        for name in data:
            if name.endswith("-progress"):
                data[name] = "Delivered as planned"
            if name.endswith("-rag_override_reason") and not data[name]:
                data[name] = "A reason"
        response = client.post(action or url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == tasks_url
    assert _statuses(client.get(tasks_url).content.decode()) == ["Completed", "Completed"]
    check_url = next(href for href in tasks.links if href.endswith("/check/"))
    check = _parse(client.get(check_url))
    action, data = next(f for f in check.forms if f[0] == _url("return-submit", qr))
    response = client.post(action, data, follow=True)
    assert b"Return submitted to the authority" in response.content
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.SUBMITTED


def test_two_people_saving_the_same_section_see_each_others_answers_field_by_field(client, qr, admin):
    from cpeg.accounts.tests.factories import GroupExecutiveFactory
    from cpeg.core.tests.formdata import form_data

    chair = GroupExecutiveFactory(group=qr.group, first_name="Chidi", last_name="Chair")
    section = _sections(qr)[0]
    first, second = section.lines[0], section.lines[1]
    url = _url("return-section", qr, number=section.number)
    client.force_login(chair)
    chairs = form_data(client.get(url).content.decode())
    client.force_login(admin)
    admins = form_data(client.get(url).content.decode())

    client.force_login(chair)
    saved = client.post(url, chairs | {line_field_key(first, "progress"): "Chair note on meetings"})
    assert saved.status_code == 302

    client.force_login(admin)
    response = client.post(url, admins | {line_field_key(second, "progress"): "Admin note on newsletters"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it" in html
    assert "Chair note on meetings" in html
    assert "Chidi Chair saved this record" in html
    again = form_data(html)
    # The admin's own typing is kept; the chair's answer is offered ("Use theirs").
    assert again[line_field_key(second, "progress")] == "Admin note on newsletters"
    assert again[f"conflict-{line_field_key(first, 'progress')}"] == "theirs"
    assert client.post(url, again).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.progress, second.progress) == ("Chair note on meetings", "Admin note on newsletters")
