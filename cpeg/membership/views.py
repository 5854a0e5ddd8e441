"""Pages for the membership register, attendance, reviews, equality
monitoring and representation reports. Thin: object-for-user, form, one
service, message, redirect."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import get_for_user_or_404, require_perm
from cpeg.activities.models import Activity
from cpeg.core.views_helpers import handle_form
from cpeg.membership import selectors, services
from cpeg.membership.choices import MemberType
from cpeg.membership.forms import (
    AttendanceForm,
    AttendanceRuleForm,
    EqualityEraseForm,
    EqualityForm,
    MemberForm,
    MemberImportForm,
    MembershipReviewForm,
)
from cpeg.membership.imports import COLUMNS, MemberImportError
from cpeg.membership.models import EqualityProfile

# Every reading of a person's equality answers is logged (not stored in the
# database: a GET writes nothing), with who read whose.
access_log = logging.getLogger("cpeg.membership.equality_access")


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
