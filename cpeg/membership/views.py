"""Pages for the membership register, attendance, reviews, equality
monitoring and representation reports. Thin: object-for-user, form, one
service, message, redirect."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import get_for_user_or_404, require_perm
from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.core.forms import GovukFormMixin
from cpeg.core.views_helpers import handle_form
from cpeg.membership import exports, selectors, services
from cpeg.membership.choices import (
    NOT_KNOWN,
    PROFILE_CHARACTERISTIC_LABELS,
    PROFILE_CHARACTERISTICS,
    MemberType,
    profile_categories,
)
from cpeg.membership.forms import (
    AttendanceForm,
    AttendanceRuleForm,
    EqualityEraseForm,
    EqualityForm,
    MemberForm,
    MemberImportForm,
    MembershipReviewForm,
    OrganisationProfileForm,
    OtherFundingForm,
    PopulationLoadForm,
    SkillForm,
    SkillsAuditForm,
    SupportForm,
    TrainingAttendedForm,
)
from cpeg.membership.imports import COLUMNS, MemberImportError
from cpeg.membership.models import EqualityProfile, Member, OrganisationProfile, Skill
from cpeg.membership.population_import import COLUMNS as POPULATION_COLUMNS

# Every reading of a person's equality answers is logged (not stored in the
# database: a GET writes nothing), with who read whose.
access_log = logging.getLogger("cpeg.membership.equality_access")

LONDON_FUNDING_PAGE_SIZE = 50


def _register_url(group_id) -> str:
    return reverse("membership:register", kwargs={"pk": group_id})


@login_required
def register(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    today = timezone.localdate()
    page = selectors.register_page(group=group, today=today, show=request.GET.get("show", ""))
    executives = selectors.expected_at(group_id=group.pk, day=today)[1]
    answered = set(EqualityProfile.objects.filter(executive__in=executives).values_list("executive_id", flat=True))
    return render(
        request,
        "membership/register.html",
        {
            "group": group,
            "page": page,
            "executives": [(e, e.pk in answered) for e in executives],
            "filters": selectors.SHOW_FILTERS,
            "can_change": request.user.has_perm("membership.change_member", group),
            "can_record_equality": request.user.has_perm("membership.record_equality", group),
            "can_record_profile": request.user.has_perm("membership.record_organisation_profile", group),
            "can_erase_equality": request.user.has_perm("membership.erase_equality", group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_member")
    form = MemberForm(request.POST or None, initial={"member_type": MemberType.ORGANISATION})
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "Add a member", "group": group, "cancel_url": _register_url(group.pk)},
        save=lambda f: services.member_add(group=group, actor=request.user, data=f.service_data()),
        success_message="Member added",
        success_url=_register_url(group.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = selectors.member_get_for(user=request.user, pk=pk)
    initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS} | {"version": member.version}
    form = MemberForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": f"Change {member.name}", "group": member.group, "cancel_url": _register_url(member.group_id)},
        save=lambda f: services.member_update(
            member=member, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Member saved",
        success_url=_register_url(member.group_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_member")
    rule = getattr(group, "attendance_rule", None) if hasattr(group, "attendance_rule") else None
    initial = (
        {"missed_meetings_limit": rule.missed_meetings_limit, "constitution_wording": rule.constitution_wording}
        if rule
        else {}
    )
    form = AttendanceRuleForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "The constitution's attendance rule", "group": group, "cancel_url": _register_url(pk)},
        save=lambda f: services.attendance_rule_set(group=group, actor=request.user, data=f.cleaned_data),
        success_message="Attendance rule saved",
        success_url=_register_url(pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_member")
    meetings = Activity.objects.filter(
        group=group, activity_type__in=services.REGISTER_TYPES, withdrawn_at__isnull=True
    ).order_by("-held_on")[:50]
    meetings = Activity.objects.filter(pk__in=[m.pk for m in meetings]).order_by("-held_on")
    form = MembershipReviewForm(request.POST or None, meetings=meetings, initial={"members_removed": 0})
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "Record a membership review", "group": group, "cancel_url": _register_url(pk)},
        save=lambda f: services.membership_review_record(group=group, actor=request.user, data=f.cleaned_data),
        success_message="Membership review recorded",
        success_url=_register_url(pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    activity = get_for_user_or_404(
        request.user,
        Activity.objects.select_related("group", "group__borough").filter(
            activity_type__in=services.REGISTER_TYPES, withdrawn_at__isnull=True
        ),
        "membership.view_member",
        pk=pk,
    )
    page = selectors.attendance_page(activity=activity)
    can_change = request.user.has_perm("membership.change_member", activity)
    if request.method == "POST":
        require_perm(request.user, "membership.change_member", activity)
    initial = {
        "members": [str(i) for i in page.present_members],
        "executives": [str(i) for i in page.present_executives],
    }
    form = AttendanceForm(request.POST or None, page=page, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/attendance.html",
        context={"activity": activity, "group": activity.group, "page": page, "can_change": can_change},
        save=lambda f: services.attendance_record(
            activity=activity,
            actor=request.user,
            member_ids=f.cleaned_data["members"],
            executive_ids=f.cleaned_data["executives"],
        ),
        success_message="Attendance saved",
        success_url=_register_url(activity.group_id),
    )


def _person(request, kind, pk, perm):
    if kind == "member":
        person = selectors.member_get_for(user=request.user, pk=pk, perm=perm)
        if person.member_type != MemberType.INDIVIDUAL:
            raise Http404
        return person, person.name
    person = selectors.executive_get_for(user=request.user, pk=pk, perm=perm)
    return person, person.person.full_name


def _equality(request, pk, kind):
    person, name = _person(request, kind, pk, "membership.record_equality")
    profile = EqualityProfile.objects.filter(**{kind: person}).first()
    initial = {}
    if profile is not None:
        access_log.info(
            "user %s read the equality answers of %s %s of group %s", request.user.pk, kind, person.pk, person.group_id
        )
        initial = {name: getattr(profile, name) for name in services.EQUALITY_FIELDS} | {
            "consent_given_on": profile.consent_given_on,
            "consent": True,
        }
    form = EqualityForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/equality_form.html",
        context={
            "title": f"Equality monitoring: {name}",
            "group": person.group,
            "person_name": name,
            "has_answers": profile is not None,
            "erase_url": reverse(
                f"membership:{'' if kind == 'member' else 'executive-'}equality-erase", kwargs={"pk": pk}
            ),
            "cancel_url": _register_url(person.group_id),
        },
        save=lambda f: services.equality_answers_record(person=person, actor=request.user, data=f.cleaned_data),
        success_message=f"Equality monitoring answers saved for {name}",
        success_url=_register_url(person.group_id),
    )


def _equality_erase(request, pk, kind):
    person, name = _person(request, kind, pk, "membership.erase_equality")
    if not EqualityProfile.objects.filter(**{kind: person}).exists():
        raise Http404
    form = EqualityEraseForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": f"Erase {name}'s equality monitoring answers",
            "group": person.group,
            "cancel_url": _register_url(person.group_id),
            "submit_label": "Erase the answers",
            "warning": "The answers are deleted completely and cannot be recovered. The group's figures change.",
        },
        save=lambda f: services.equality_answers_erase(
            person=person, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        success_message=f"Equality monitoring answers erased for {name}",
        success_url=_register_url(person.group_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_equality(request, pk):
    return _equality(request, pk, "member")


@login_required
@require_http_methods(["GET", "POST"])
def executive_equality(request, pk):
    return _equality(request, pk, "executive")


@login_required
@require_http_methods(["GET", "POST"])
def member_equality_erase(request, pk):
    return _equality_erase(request, pk, "member")


@login_required
@require_http_methods(["GET", "POST"])
def executive_equality_erase(request, pk):
    return _equality_erase(request, pk, "executive")


# --- Organisations' profiles of the people they speak for -----------------


def _organisation_for_profile(request, pk) -> Member:
    member = selectors.member_get_for(user=request.user, pk=pk, perm="membership.record_organisation_profile")
    if not member.is_organisation:
        raise Http404
    return member


def _profile_url(member_id) -> str:
    return reverse("membership:organisation-profile", kwargs={"pk": member_id})


@login_required
def organisation_profile(request, pk):
    member = _organisation_for_profile(request, pk)
    profiles = {p.characteristic: p for p in OrganisationProfile.objects.filter(member=member)}
    rows = []
    for characteristic, label in PROFILE_CHARACTERISTICS:
        profile = profiles.get(characteristic)
        labels = dict(profile_categories(characteristic)) | {NOT_KNOWN: "Not known"}
        counts = [(labels[k], v) for k, v in (profile.counts.items() if profile else ()) if k in labels and v]
        rows.append((characteristic, label, profile, counts, sum(v for _l, v in counts)))
    return render(
        request,
        "membership/organisation_profile.html",
        {"member": member, "group": member.group, "rows": rows, "cancel_url": _register_url(member.group_id)},
    )


def _characteristic_or_404(characteristic: str) -> str:
    if characteristic not in PROFILE_CHARACTERISTIC_LABELS:
        raise Http404
    return characteristic


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile_edit(request, pk, characteristic):
    member = _organisation_for_profile(request, pk)
    characteristic = _characteristic_or_404(characteristic)
    categories = [*profile_categories(characteristic), (NOT_KNOWN, "Not known")]
    profile = OrganisationProfile.objects.filter(member=member, characteristic=characteristic).first()
    initial = {}
    if profile is not None:
        initial = {f"count_{k}": v for k, v in profile.counts.items()} | {
            "counted_on": profile.counted_on,
            "source": profile.source,
        }
    form = OrganisationProfileForm(request.POST or None, initial=initial, categories=categories)
    label = PROFILE_CHARACTERISTIC_LABELS[characteristic]
    speaks_for = (
        f" It speaks for {member.people_represented:,} people in all." if member.people_represented is not None else ""
    )
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": f"{label} of the people {member.name} speaks for",
            "group": member.group,
            "cancel_url": _profile_url(member.pk),
            "intro": "Enter how many of the people the organisation speaks for are in each group, as far as it "
            "knows: from its own survey, its records or an estimate. Leave a box empty for none. Put people "
            f"it cannot say for under Not known.{speaks_for}",
        },
        save=lambda f: services.organisation_profile_save(
            member=member,
            actor=request.user,
            characteristic=characteristic,
            counts=f.counts(),
            counted_on=f.cleaned_data["counted_on"],
            source=f.cleaned_data["source"],
        ),
        success_message=f"{label} profile saved for {member.name}",
        success_url=_profile_url(member.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile_remove(request, pk, characteristic):
    member = _organisation_for_profile(request, pk)
    characteristic = _characteristic_or_404(characteristic)
    if not OrganisationProfile.objects.filter(member=member, characteristic=characteristic).exists():
        raise Http404
    label = PROFILE_CHARACTERISTIC_LABELS[characteristic]
    return handle_form(
        request,
        form=_ConfirmForm(request.POST or None),
        template="membership/form.html",
        context={
            "title": f"Remove the {label.lower()} profile of the people {member.name} speaks for",
            "group": member.group,
            "cancel_url": _profile_url(member.pk),
            "submit_label": "Remove",
        },
        save=lambda f: services.organisation_profile_remove(
            member=member, actor=request.user, characteristic=characteristic
        ),
        success_message=f"{label} profile removed for {member.name}",
        success_url=_profile_url(member.pk),
    )


@login_required
def representation(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.view_representation")
    report = selectors.representation_for_group(group=group, today=timezone.localdate())
    return render(
        request,
        "membership/representation.html",
        {
            "report": report,
            "group": group,
            "title": f"Who {group.name} represents",
            "can_view_register": request.user.has_perm("membership.view_member", group),
        },
    )


@login_required
def representation_london(request):
    require_perm(request.user, "membership.view_london_representation")
    report = selectors.representation_london(user=request.user, today=timezone.localdate())
    return render(
        request,
        "membership/representation.html",
        {"report": report, "group": None, "title": "Who the groups represent: London-wide"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_member")
    form = MemberImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.member_import(group=group, actor=request.user, file=form.cleaned_data["file"])
        except MemberImportError as error:
            row_errors = error.result.errors
            form.add_service_error(error)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{count} members imported")
            return redirect(_register_url(group.pk))
    return render(
        request,
        "membership/member_import.html",
        {
            "group": group,
            "form": form,
            "row_errors": row_errors,
            "columns": COLUMNS,
            "title": "Import a membership list",
            "cancel_url": _register_url(group.pk),
            "submit_label": "Check and import",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def population_load(request):
    require_perm(request.user, "membership.load_population")
    form = PopulationLoadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            loaded = services.population_tables_load(actor=request.user, file=form.cleaned_data["file"])
        except services.PopulationImportError as error:
            row_errors = error.result.errors
            form.add_service_error(error)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            names = ", ".join(PROFILE_CHARACTERISTIC_LABELS[c].lower() for c in loaded)
            messages.success(request, f"Borough population loaded: {names} ({sum(loaded.values()):,} rows)")
            return redirect(reverse("membership:population-load"))
    return render(
        request,
        "membership/population_load.html",
        {
            "form": form,
            "row_errors": row_errors,
            "tables": selectors.population_tables(),
            "columns": POPULATION_COLUMNS,
            "title": "Borough population tables",
            "submit_label": "Check and load",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Representation exports -------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(report, title: str, name: str, fmt: str) -> HttpResponse:
    body = exports.report_csv(report, title) if fmt == "csv" else exports.report_xlsx(report, title)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _representation_export(request, pk, fmt):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.view_representation")
    report = selectors.representation_for_group(group=group, today=timezone.localdate())
    return _download(report, f"Who {group.name} represents", f"representation-{group.slug}", fmt)


def _london_export(request, fmt):
    require_perm(request.user, "membership.view_london_representation")
    report = selectors.representation_london(user=request.user, today=timezone.localdate())
    return _download(report, "Who the groups represent: London-wide", "representation-london", fmt)


@login_required
def representation_csv(request, pk):
    return _representation_export(request, pk, "csv")


@login_required
def representation_xlsx(request, pk):
    return _representation_export(request, pk, "xlsx")


@login_required
def representation_london_csv(request):
    return _london_export(request, "csv")


@login_required
def representation_london_xlsx(request):
    return _london_export(request, "xlsx")


# --- Capacity: the skills audit -----------------------------------------------


def _skills_url(group_id) -> str:
    return reverse("membership:skills", kwargs={"pk": group_id})


@login_required
def skills(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.view_skillsaudit")
    page = selectors.skills_page(group=group, today=timezone.localdate(), need=request.GET.get("need", ""))
    return render(
        request,
        "membership/skills.html",
        {
            "group": group,
            "page": page,
            "can_change": request.user.has_perm("membership.change_skillsaudit", group),
            "can_see_needs": request.user.has_perm("membership.view_training_needs"),
        },
    )


def _skills_edit(request, person, name):
    audit = selectors.skills_audit_for(person)
    form_skills = selectors.skills_for_form(audit)
    initial = {}
    if audit is not None:
        initial = {"assessed_on": audit.assessed_on, "notes": audit.notes, "version": audit.version}
        for row in audit.assessments.all():
            initial[f"level_{row.skill_id}"] = row.level
            initial[f"need_{row.skill_id}"] = row.training_needed
    form = SkillsAuditForm(request.POST or None, initial=initial, skills=form_skills)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": f"Skills audit: {name}",
            "group": person.group,
            "cancel_url": _skills_url(person.group_id),
            "intro": "For each skill, choose the level that fits best, and tick where training would help.",
        },
        save=lambda f: services.skills_audit_save(
            person=person, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data.get("version")
        ),
        success_message=f"Skills audit saved for {name}",
        success_url=_skills_url(person.group_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def executive_skills(request, pk):
    seat = selectors.executive_get_for(user=request.user, pk=pk, perm="membership.change_skillsaudit")
    return _skills_edit(request, seat, seat.person.full_name)


@login_required
@require_http_methods(["GET", "POST"])
def administrator_skills(request, pk):
    assignment = selectors.administrator_get_for(user=request.user, pk=pk)
    return _skills_edit(request, assignment, assignment.user.get_full_name() or assignment.user.username)


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request, pk):
    audit = selectors.audit_get_for(user=request.user, pk=pk)
    sessions = Activity.objects.filter(
        group_id=audit.group_id,
        activity_type=ActivityType.TRAINING,
        withdrawn_at__isnull=True,
        held_on__lte=timezone.localdate(),
    ).order_by("-held_on", "-id")
    form = TrainingAttendedForm(request.POST or None, sessions=sessions, skills=Skill.objects.all())
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": "Record training attended",
            "group": audit.group,
            "cancel_url": _skills_url(audit.group_id),
            "intro": "" if sessions.exists() else "The group has no training recorded in its activity record yet.",
        },
        save=lambda f: services.training_attended_add(
            audit=audit, actor=request.user, activity=f.cleaned_data["activity"], skill=f.cleaned_data["skill"]
        ),
        success_message="Training attended recorded",
        success_url=_skills_url(audit.group_id),
    )


class _ConfirmForm(GovukFormMixin, forms.Form):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def training_remove(request, pk):
    record = selectors.training_record_get_for(user=request.user, pk=pk)
    group_id = record.audit.group_id
    return handle_form(
        request,
        form=_ConfirmForm(request.POST or None),
        template="membership/form.html",
        context={
            "title": f"Remove {record.activity.title} from the skills record",
            "group": record.audit.group,
            "cancel_url": _skills_url(group_id),
            "submit_label": "Remove",
        },
        save=lambda f: services.training_attended_remove(record=record, actor=request.user),
        success_message="Training record removed",
        success_url=_skills_url(group_id),
    )


@login_required
def training_needs(request):
    require_perm(request.user, "membership.view_training_needs")
    page = selectors.training_needs_london(today=timezone.localdate(), skill=request.GET.get("skill", ""))
    return render(
        request,
        "membership/training_needs.html",
        {"page": page, "can_change_skills": request.user.has_perm("membership.manage_skills")},
    )


# --- The skill list (managers) ------------------------------------------------


def _skill_list_url() -> str:
    return reverse("membership:skill-list")


def _skill_for_manager(request, pk) -> Skill:
    require_perm(request.user, "membership.manage_skills")
    skill = Skill.objects.filter(pk=pk).first()
    if skill is None:
        raise Http404
    return skill


@login_required
def skill_list(request):
    require_perm(request.user, "membership.manage_skills")
    return render(request, "membership/skill_list.html", {"rows": selectors.skill_list()})


@login_required
@require_http_methods(["GET", "POST"])
def skill_add(request):
    require_perm(request.user, "membership.manage_skills")
    last = Skill.objects.order_by("-position").values_list("position", flat=True).first() or 0
    form = SkillForm(request.POST or None, initial={"position": last + 1, "is_active": True})
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "Add a skill", "group": None, "cancel_url": _skill_list_url()},
        save=lambda f: services.skill_add(actor=request.user, data=f.service_data()),
        success_message="Skill added",
        success_url=_skill_list_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_edit(request, pk):
    skill = _skill_for_manager(request, pk)
    initial = {name: getattr(skill, name) for name in services.SKILL_FIELDS} | {"version": skill.version}
    form = SkillForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": f"Change {skill.name}", "group": None, "cancel_url": _skill_list_url()},
        save=lambda f: services.skill_update(
            skill=skill, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Skill saved",
        success_url=_skill_list_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_remove(request, pk):
    skill = _skill_for_manager(request, pk)
    if services.skill_is_used(skill):
        raise Http404
    return handle_form(
        request,
        form=_ConfirmForm(request.POST or None),
        template="membership/form.html",
        context={
            "title": f"Remove {skill.name} from the skill list",
            "group": None,
            "cancel_url": _skill_list_url(),
            "submit_label": "Remove",
        },
        save=lambda f: services.skill_remove(skill=skill, actor=request.user),
        success_message="Skill removed",
        success_url=_skill_list_url(),
    )


# --- Alternative funding and support --------------------------------------------


def _funding_url(group_id) -> str:
    return reverse("membership:other-funding", kwargs={"pk": group_id})


@login_required
def other_funding(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.view_otherfunding")
    page = selectors.other_funding_page(group=group, status=request.GET.get("status", ""))
    return render(
        request,
        "membership/other_funding.html",
        {
            "group": group,
            "page": page,
            "filters": selectors.FUNDING_FILTERS,
            "can_change": request.user.has_perm("membership.change_otherfunding", group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_funding_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_otherfunding")
    form = OtherFundingForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "Record other funding", "group": group, "cancel_url": _funding_url(pk)},
        save=lambda f: services.other_funding_add(
            group=group, actor=request.user, data=f.service_data(), form_token=f.form_token
        ),
        success_message="Other funding recorded",
        success_url=_funding_url(pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_funding_edit(request, pk):
    funding = selectors.other_funding_get_for(user=request.user, pk=pk)
    initial = {name: getattr(funding, name) for name in services.OTHER_FUNDING_FIELDS} | {"version": funding.version}
    form = OtherFundingForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": f"Change {funding.funder}",
            "group": funding.group,
            "cancel_url": _funding_url(funding.group_id),
        },
        save=lambda f: services.other_funding_update(
            funding=funding, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Other funding saved",
        success_url=_funding_url(funding.group_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="membership.change_otherfunding")
    form = SupportForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={"title": "Record support used", "group": group, "cancel_url": _funding_url(pk)},
        save=lambda f: services.support_add(
            group=group, actor=request.user, data=f.service_data(), form_token=f.form_token
        ),
        success_message="Support recorded",
        success_url=_funding_url(pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_edit(request, pk):
    support = selectors.support_get_for(user=request.user, pk=pk)
    initial = {name: getattr(support, name) for name in services.SUPPORT_FIELDS} | {"version": support.version}
    form = SupportForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="membership/form.html",
        context={
            "title": f"Change support from {support.provider}",
            "group": support.group,
            "cancel_url": _funding_url(support.group_id),
        },
        save=lambda f: services.support_update(
            support=support, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Support saved",
        success_url=_funding_url(support.group_id),
    )


@login_required
def other_funding_london(request):
    require_perm(request.user, "membership.view_london_other_funding")
    london = selectors.other_funding_london(user=request.user)
    # The London totals count every group; the rows come a page at a time
    # (2,000 groups drew 2,000 rows on one page).
    page = Paginator(london.rows, LONDON_FUNDING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "membership/other_funding_london.html", {"london": london, "page": page})
