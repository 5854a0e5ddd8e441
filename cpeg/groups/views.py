"""Pages for officers, link members and group people: groups and people."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import get_for_user_or_404, require_perm
from cpeg.core.views_helpers import handle_form
from cpeg.groups import personal_data, selectors, services
from cpeg.groups.choices import GroupStatus, StaffingModel
from cpeg.groups.forms import (
    ExecutiveMemberForm,
    GroupForm,
    OtherRoleForm,
    PartnerContactForm,
    PersonForm,
    PersonMergeForm,
    VenueForm,
)
from cpeg.groups.models import Borough, ExecutiveMembership, PartnerContact, Person, Venue
from cpeg.groups.workflow import can_change_status

PAGE_SIZE = 50


@login_required
def group_list(request):
    require_perm(request.user, "core.view_group_list")
    filters = selectors.GroupFilters.from_querydict(request.GET)
    page = Paginator(selectors.group_list_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    for key in ("sort", "order", "page"):
        sort_query.pop(key, None)
    return render(
        request,
        "groups/group_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "boroughs": selectors.borough_options(user=request.user),
            "statuses": GroupStatus.choices,
            "staffing_models": StaffingModel.choices,
            "can_add": request.user.has_perm("groups.add_engagementgroup"),
            "sort_columns": [
                ("name", "Group"),
                ("borough", "Borough"),
                ("status", "Status"),
                ("staffing", "Staffing model"),
                ("hours", "Hours a week"),
            ],
        },
    )


@login_required
def group_detail(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    page = selectors.group_page(group=group)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "page": page,
            "history": selectors.group_history(group=group)[:25],
            "can_change": request.user.has_perm("groups.change_engagementgroup", group),
            "can_change_borough": request.user.has_perm("groups.change_borough", group.borough),
            # The membership register (cpeg/membership) is linked from here.
            "can_view_members": request.user.has_perm("membership.view_member", group),
        },
    )


@login_required
def group_history(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.view_history_engagementgroup")
    return render(
        request,
        "groups/group_history.html",
        {"group": group, "history": selectors.group_history(group=group)},
    )


@login_required
def group_constitution(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    if not group.constitution_document:
        raise Http404
    response = FileResponse(
        group.constitution_document.open("rb"),
        as_attachment=True,
        filename=group.constitution_document.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    require_perm(request.user, "groups.add_engagementgroup")
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        officer=True,
        initial={"status": GroupStatus.ACTIVE, "is_published": True},
    )
    return handle_form(
        request,
        form=form,
        template="groups/group_form.html",
        context={"title": "Set up a group", "cancel_url": reverse("groups:group-list")},
        save=lambda f: services.group_create(actor=request.user, data=f.service_data()),
        success_message="Group set up",
        success_url=lambda g: g.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.change_engagementgroup")
    officer = can_change_status(request.user, group)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        officer=officer,
        initial=GroupForm.initial_for(group),
    )
    return handle_form(
        request,
        form=form,
        template="groups/group_form.html",
        context={"title": f"Change {group.name}", "group": group, "cancel_url": group.get_absolute_url()},
        save=lambda f: services.group_update(
            group=group, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Group details saved",
        success_url=group.get_absolute_url(),
    )


def _member_data(form):
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


@login_required
@require_http_methods(["GET", "POST"])
def executive_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.change_engagementgroup")
    form = ExecutiveMemberForm(
        request.POST if request.method == "POST" else None, officer=request.user.has_perm("groups.view_person")
    )
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": "Add an executive member", "group": group, "cancel_url": group.get_absolute_url()},
        save=lambda f: services.executive_member_add(group=group, actor=request.user, data=_member_data(f)),
        success_message="Executive member added",
        success_url=group.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def executive_edit(request, pk, member_pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.change_engagementgroup")
    member = get_for_user_or_404(
        request.user,
        ExecutiveMembership.objects.select_related("person", "group").filter(group=group),
        "groups.change_engagementgroup",
        pk=member_pk,
    )
    initial = {
        "role": member.role,
        "role_title": member.role_title,
        "starts_on": member.starts_on,
        "ends_on": member.ends_on,
        "authorised_to_sign": member.authorised_to_sign,
        "version": member.version,
    }
    form = ExecutiveMemberForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={
            "title": f"Change {member.person}'s executive role",
            "group": group,
            "cancel_url": group.get_absolute_url(),
        },
        save=lambda f: services.executive_member_update(
            member=member, actor=request.user, data=_member_data(f), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Executive role saved",
        success_url=group.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_add(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.change_engagementgroup")
    form = VenueForm(request.POST if request.method == "POST" else None, initial={"is_active": True})
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": "Add a public meeting venue", "group": group, "cancel_url": group.get_absolute_url()},
        save=lambda f: services.venue_add(group=group, actor=request.user, data=_member_data(f)),
        success_message="Venue added",
        success_url=group.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request, pk, venue_pk):
    group = selectors.group_get_for(user=request.user, pk=pk, perm="groups.change_engagementgroup")
    venue = get_for_user_or_404(
        request.user, Venue.objects.filter(group=group), "groups.change_engagementgroup", pk=venue_pk
    )
    initial = {f: getattr(venue, f) for f in services.VENUE_FIELDS} | {"version": venue.version}
    form = VenueForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": f"Change {venue.name}", "group": group, "cancel_url": group.get_absolute_url()},
        save=lambda f: services.venue_update(
            venue=venue, actor=request.user, data=_member_data(f), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Venue saved",
        success_url=group.get_absolute_url(),
    )


def _borough_for(request, slug, perm):
    return get_for_user_or_404(request.user, Borough.objects.all(), perm, slug=slug)


@login_required
def borough_detail(request, slug):
    borough = _borough_for(request, slug, "groups.view_borough")
    return render(
        request,
        "groups/borough_detail.html",
        {
            "borough": borough,
            "contacts": borough.partner_contacts.select_related("person").order_by("role", "-starts_on"),
            "groups": selectors.group_list_for(user=request.user).filter(borough=borough),
            "can_change": request.user.has_perm("groups.change_borough", borough),
            "history": selectors.borough_history(borough=borough),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_contact_add(request, slug):
    borough = _borough_for(request, slug, "groups.change_borough")
    form = PartnerContactForm(
        request.POST if request.method == "POST" else None, officer=request.user.has_perm("groups.view_person")
    )
    url = reverse("groups:borough-detail", kwargs={"slug": borough.slug})
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": f"Add a partner contact for {borough}", "cancel_url": url},
        save=lambda f: services.partner_contact_add(borough=borough, actor=request.user, data=_member_data(f)),
        success_message="Partner contact added",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_contact_edit(request, slug, contact_pk):
    borough = _borough_for(request, slug, "groups.change_borough")
    contact = get_for_user_or_404(
        request.user,
        PartnerContact.objects.filter(borough=borough).select_related("person"),
        "groups.change_borough",
        pk=contact_pk,
    )
    initial = {f: getattr(contact, f) for f in services.PARTNER_FIELDS} | {"version": contact.version}
    form = PartnerContactForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    url = reverse("groups:borough-detail", kwargs={"slug": borough.slug})
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": f"Change {contact.person}'s partner role", "cancel_url": url},
        save=lambda f: services.partner_contact_update(
            contact=contact, actor=request.user, data=_member_data(f), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Partner contact saved",
        success_url=url,
    )


@login_required
def person_list(request):
    require_perm(request.user, "groups.view_person")
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.person_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "groups/person_list.html", {"page": page, "q": q})


def _person_for(request, pk, perm):
    return get_for_user_or_404(request.user, Person.objects.all(), perm, pk=pk)


@login_required
def person_detail(request, pk):
    person = _person_for(request, pk, "groups.view_person")
    return render(
        request,
        "groups/person_detail.html",
        {
            "page": selectors.person_page(person=person),
            "history": selectors.person_history(person=person),
            "can_change": request.user.has_perm("groups.change_person", person),
            "can_merge": request.user.has_perm("groups.merge_person", person),
            "can_export": request.user.has_perm("groups.export_person_data", person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person_for(request, pk, "groups.change_person")
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS} | {"version": person.version}
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    url = reverse("groups:person-detail", kwargs={"pk": person.pk})
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": f"Change {person}'s details", "cancel_url": url},
        save=lambda f: services.person_update(
            person=person, actor=request.user, data=_member_data(f), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Details saved",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_role_add(request, pk):
    person = _person_for(request, pk, "groups.change_person")
    form = OtherRoleForm(request.POST if request.method == "POST" else None)
    url = reverse("groups:person-detail", kwargs={"pk": person.pk})
    return handle_form(
        request,
        form=form,
        template="groups/simple_form.html",
        context={"title": f"Add a role {person} holds elsewhere", "cancel_url": url},
        save=lambda f: services.other_role_add(person=person, actor=request.user, data=dict(f.cleaned_data)),
        success_message="Role added",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request, pk):
    """Officers: merge a duplicate record of this person into this one."""
    person = _person_for(request, pk, "groups.merge_person")
    form = PersonMergeForm(request.POST if request.method == "POST" else None)
    url = reverse("groups:person-detail", kwargs={"pk": person.pk})

    def save(f):
        duplicate = Person.objects.filter(pk=f.cleaned_data["duplicate"]).first()
        if duplicate is None:
            raise ValidationError({"duplicate": "There is no person with that record number"})
        return services.person_merge(person=person, duplicate=duplicate, actor=request.user)

    return handle_form(
        request,
        form=form,
        template="groups/person_merge.html",
        context={
            "title": f"Merge a duplicate into {person}'s record",
            "person": person,
            "candidates": selectors.person_duplicates(person=person),
            "cancel_url": url,
        },
        save=save,
        success_message="Records merged",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_personal_data(request, pk):
    """Officers: download everything held about a person (a subject access request)."""
    person = _person_for(request, pk, "groups.export_person_data")
    form = personal_data.PersonalDataExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name, content_type, content = personal_data.person_data_export(
            person=person, actor=request.user, export_format=form.cleaned_data["format"]
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "groups/person_personal_data.html",
        {"person": person, "form": form, "can_erase": request.user.has_perm("groups.erase_person", person)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request, pk):
    """Officers: erase a person's personal data everywhere, history included."""
    person = _person_for(request, pk, "groups.erase_person")
    url = reverse("groups:person-detail", kwargs={"pk": person.pk})
    return handle_form(
        request,
        # Bound on any POST, so an empty one shows "Select the box" rather
        # than an unexplained 400.
        form=personal_data.PersonEraseForm(request.POST if request.method == "POST" else None),
        template="groups/person_erase.html",
        context={"title": f"Erase {person.full_name}'s personal data", "person": person, "cancel_url": url},
        save=lambda f: personal_data.person_erase(person=person, actor=request.user),
        success_message="Personal data erased",
        success_url=url,
    )
