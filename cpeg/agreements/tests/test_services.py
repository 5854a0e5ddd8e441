import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpeg.accounts.roles import Role
from cpeg.accounts.tests.factories import (
    GroupAdminFactory,
    GroupExecutiveFactory,
    LinkMemberFactory,
    ManagerFactory,
    OfficerFactory,
)
from cpeg.agreements import services
from cpeg.agreements.choices import MeasureType, SlaStatus, VariationKind
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaTemplate, SlaTemplateOutput
from cpeg.agreements.tests.factories import chair_user, executive_user, group_sla, standard_template
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import ExecutiveRole, GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

YEAR = 2030


@pytest.fixture
def officer():
    return OfficerFactory(first_name="Olivia", last_name="Officer")


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def template():
    return standard_template(YEAR)


@pytest.fixture
def sla(camden, template, officer):
    return services.group_sla_create(group=camden, financial_year=YEAR, actor=officer)


@pytest.fixture
def chair(camden):
    user = chair_user(group=camden)
    user.person.full_name = "Amara Adeyemi"
    user.person.save()
    return user


def _sign(sla, chair):
    return services.group_sla_sign(sla=sla, actor=chair, loaded_version=sla.version)


def _countersign(sla, officer):
    return services.group_sla_countersign(
        sla=sla, actor=officer, countersignatory_name="Olivia Officer", loaded_version=sla.version
    )


def _vary(sla, officer, target=6, reason="Bi-monthly meetings agreed with the borough commander", code=None):
    return services.group_sla_output_vary(
        sla=sla,
        code=code or "public-meetings",
        actor=officer,
        data={"measure": MeasureType.COUNT, "annual_target": target, "reason": reason},
        loaded_version=sla.version,
    )


# --- Templates ---------------------------------------------------------------------


def test_copying_a_template_to_a_year_copies_headings_and_outputs(template, officer):
    copy = services.sla_template_copy_to_year(source=template, financial_year=YEAR + 1, actor=officer)
    assert copy.financial_year == YEAR + 1
    assert copy.outputs.count() == 18
    assert copy.headings.count() == 4
    meetings = copy.outputs.get(code="public-meetings")
    assert meetings.annual_target == 4
    assert meetings.heading is None
    newsletters = copy.outputs.select_related("heading").get(code="newsletters")
    assert newsletters.heading.template_id == copy.pk
    assert newsletters.heading.title == "Publicise the group's role, functions and achievements"
    assert AuditEvent.objects.filter(event_type="SLA_TEMPLATE_COPIED", target_id=copy.pk).exists()


def test_copying_leaves_out_outputs_removed_from_the_source(template, officer):
    olympics = template.outputs.get(code="olympics")
    services.sla_template_output_remove(output=olympics, actor=officer, loaded_version=olympics.version)
    copy = services.sla_template_copy_to_year(source=template, financial_year=YEAR + 1, actor=officer)
    assert copy.outputs.count() == 17
    assert not copy.outputs.filter(code="olympics").exists()


def test_copying_to_a_year_that_has_a_template_is_refused(template, officer):
    standard_template(YEAR + 1)
    with pytest.raises(ValidationError, match="already a standard SLA for 2031/32"):
        services.sla_template_copy_to_year(source=template, financial_year=YEAR + 1, actor=officer)


def test_starting_the_next_template_copies_the_latest_year(template, officer):
    latest = SlaTemplate.objects.order_by("-financial_year").first()
    started = services.sla_template_start_next(actor=officer)
    assert started.financial_year == latest.financial_year + 1
    assert started.outputs.count() == latest.outputs.filter(removed_at__isnull=True).count()


def test_only_officers_change_templates(template):
    for user in (GroupAdminFactory(group=EngagementGroupFactory()), LinkMemberFactory()):
        with pytest.raises(PermissionDenied):
            services.sla_template_start_next(actor=user)


def test_officer_changes_a_template_outputs_wording_and_target(template, officer):
    output = template.outputs.get(code="newsletters")
    services.sla_template_output_update(
        output=output,
        actor=officer,
        data={"output": "Publish and disseminate at least 6 newsletters", "measure": "count", "annual_target": 6},
        loaded_version=output.version,
    )
    output.refresh_from_db()
    assert output.output == "Publish and disseminate at least 6 newsletters"
    assert output.annual_target == 6
    assert output.version == 2
    assert output.history.count() == 2


def test_changing_the_template_does_not_change_slas_already_made(sla, template, officer):
    output = template.outputs.get(code="newsletters")
    services.sla_template_output_update(
        output=output, actor=officer, data={"measure": "count", "annual_target": 8}, loaded_version=output.version
    )
    assert sla.outputs.get(code="newsletters").annual_target == 4


def test_a_counted_template_output_needs_a_target(template, officer):
    output = template.outputs.get(code="newsletters")
    with pytest.raises(ValidationError) as error:
        services.sla_template_output_update(
            output=output,
            actor=officer,
            data={"measure": "count", "annual_target": None},
            loaded_version=output.version,
        )
    assert error.value.message_dict == {"annual_target": ["Enter the yearly target for a counted output"]}
    output.refresh_from_db()
    assert output.annual_target == 4


def test_a_stale_template_edit_is_an_edit_conflict(template, officer):
    output = template.outputs.get(code="newsletters")
    services.sla_template_output_update(
        output=output, actor=officer, data={"measure": "count", "annual_target": 5}, loaded_version=1
    )
    with pytest.raises(EditConflict):
        services.sla_template_output_update(
            output=output, actor=officer, data={"measure": "count", "annual_target": 7}, loaded_version=1
        )
    output.refresh_from_db()
    assert output.annual_target == 5


def test_an_added_template_output_goes_at_the_end_of_its_heading(template, officer):
    heading = template.headings.get(key="publicise")
    added = services.sla_template_output_add(
        template=template,
        actor=officer,
        data={
            "heading": heading,
            "output": "Run a social media channel",
            "outcomes": "More residents hear of the group",
            "in_practice": "",
            "activity_refs": "",
            "measure": "yes_no",
            "annual_target": 3,
        },
    )
    assert added.code == "run-a-social-media-channel"
    assert added.annual_target is None  # only a count has a target
    last = template.outputs.filter(heading=heading).exclude(pk=added.pk).order_by("-position").first()
    assert added.position == last.position + 1


def test_removing_a_template_output_archives_it(sla, template, officer):
    olympics = template.outputs.get(code="olympics")
    services.sla_template_output_remove(output=olympics, actor=officer, loaded_version=olympics.version)
    olympics.refresh_from_db()
    assert olympics.removed_at is not None
    assert sla.outputs.filter(code="olympics").exists()  # the SLA already made keeps it
    other = services.group_sla_create(group=EngagementGroupFactory(), financial_year=YEAR, actor=officer)
    assert not other.outputs.filter(code="olympics").exists()


# --- Making SLAs ----------------------------------------------------------------------


def test_making_an_sla_copies_the_templates_outputs_in_order(sla, template):
    assert sla.status == SlaStatus.DRAFT
    assert sla.version_number == 1
    outputs = list(sla.outputs.order_by("position"))
    assert len(outputs) == 18
    assert [o.code for o in outputs[:3]] == ["public-meetings", "sla-monitoring", "newsletters"]
    assert outputs[0].heading_title == ""
    assert outputs[2].heading_title == "Publicise the group's role, functions and achievements"
    assert outputs[-1].code == "finances"
    assert not any(o.is_variation for o in outputs)
    assert AuditEvent.objects.filter(event_type="GROUP_SLA_CREATED", target_id=sla.pk).count() == 1


def test_a_group_cannot_have_two_current_slas_for_a_year(sla, camden, officer):
    with pytest.raises(ValidationError, match="already has an SLA for 2030/31"):
        services.group_sla_create(group=camden, financial_year=YEAR, actor=officer)


def test_making_an_sla_needs_that_years_template(camden, officer):
    with pytest.raises(ValidationError, match="no standard SLA for 2049/50"):
        services.group_sla_create(group=camden, financial_year=2049, actor=officer)


def test_group_people_cannot_make_slas(camden, template):
    with pytest.raises(PermissionDenied):
        services.group_sla_create(group=camden, financial_year=YEAR, actor=GroupAdminFactory(group=camden))


def test_making_slas_for_every_active_group_skips_those_with_one_and_inactive_groups(sla, camden, officer):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    EngagementGroupFactory(borough=borough("sutton"), status=GroupStatus.SUSPENDED)
    made = services.group_sla_create_for_active_groups(financial_year=YEAR, actor=officer)
    assert [s.group for s in made] == [hackney]
    assert GroupSla.objects.filter(financial_year=YEAR).count() == 2


# --- Variations -----------------------------------------------------------------------


def test_varying_a_draft_changes_it_in_place_with_the_reason(sla, officer):
    result = _vary(sla, officer)
    assert result.pk == sla.pk
    output = result.outputs.get(code="public-meetings")
    assert output.annual_target == 6
    assert output.variation == VariationKind.CHANGED
    assert output.is_variation is True
    assert output.variation_reason == "Bi-monthly meetings agreed with the borough commander"
    event = AuditEvent.objects.get(event_type="GROUP_SLA_OUTPUT_VARIED")
    assert event.payload["reason"] == "Bi-monthly meetings agreed with the borough commander"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_variation_needs_a_reason(sla, officer, reason):
    with pytest.raises(ValidationError) as error:
        _vary(sla, officer, reason=reason)
    assert error.value.message_dict == {"reason": ["Enter the reason for this variation"]}
    assert sla.outputs.get(code="public-meetings").annual_target == 4


def test_a_counted_variation_needs_a_target(sla, officer):
    with pytest.raises(ValidationError) as error:
        _vary(sla, officer, target=None)
    assert error.value.message_dict == {"annual_target": ["Enter the yearly target for a counted output"]}


def test_adding_a_local_output_records_it_as_added(sla, officer):
    services.group_sla_output_add(
        sla=sla,
        actor=officer,
        data={
            "heading_title": "Publicise the group's role, functions and achievements",
            "output": "Hold a youth forum",
            "outcomes": "",
            "in_practice": "",
            "measure": MeasureType.COUNT,
            "annual_target": 2,
            "reason": "Agreed with the borough commander",
        },
        loaded_version=sla.version,
    )
    added = sla.outputs.get(code="local-hold-a-youth-forum")
    assert added.variation == VariationKind.ADDED
    annual_report = sla.outputs.get(code="annual-report")
    assert added.position == annual_report.position + 1


def test_removing_an_output_keeps_it_marked_removed_with_its_reason(sla, officer):
    services.group_sla_output_remove(
        sla=sla, code="olympics", actor=officer, reason="Not a host borough", loaded_version=sla.version
    )
    olympics = sla.outputs.get(code="olympics")
    assert olympics.is_removed is True
    assert olympics.variation == VariationKind.REMOVED
    assert olympics.variation_reason == "Not a host borough"


def test_returning_an_output_to_the_standard_clears_the_variation(sla, officer):
    sla = _vary(sla, officer)
    services.group_sla_output_restore(sla=sla, code="public-meetings", actor=officer, loaded_version=sla.version)
    output = sla.outputs.get(code="public-meetings")
    assert (output.annual_target, output.variation, output.variation_reason) == (4, "", "")


def test_a_stale_variation_is_an_edit_conflict_and_saves_nothing(sla, officer):
    loaded = sla.version
    _vary(sla, officer, target=6)
    with pytest.raises(EditConflict):
        services.group_sla_output_vary(
            sla=sla,
            code="newsletters",
            actor=officer,
            data={"measure": "count", "annual_target": 5, "reason": "Printing costs"},
            loaded_version=loaded,
        )
    assert sla.outputs.get(code="newsletters").annual_target == 4


def test_the_database_refuses_a_variation_without_a_reason(sla):
    output = sla.outputs.get(code="newsletters")
    output.variation = VariationKind.CHANGED
    with pytest.raises(ValidationError, match="A local variation needs a reason"):
        output.full_clean()


# --- Signing ---------------------------------------------------------------------------


def test_the_chair_signs_and_an_officer_countersigns_with_names_and_dates(sla, chair, officer):
    signed = _sign(sla, chair)
    assert signed.status == SlaStatus.GROUP_SIGNED
    assert signed.group_signed_by == chair
    assert (signed.group_signatory_name, signed.group_signatory_role) == ("Amara Adeyemi", "Chair")
    assert signed.group_signed_on is not None
    done = _countersign(signed, officer)
    assert done.status == SlaStatus.SIGNED
    assert done.countersigned_by == officer
    assert done.countersignatory_name == "Olivia Officer"
    assert done.countersigned_on >= done.group_signed_on
    events = list(AuditEvent.objects.filter(target_id=sla.pk).values_list("event_type", flat=True))
    assert "GROUP_SLA_SIGNED" in events
    assert "GROUP_SLA_COUNTERSIGNED" in events


def test_only_the_groups_executive_signs(sla, camden):
    others = [
        GroupAdminFactory(group=camden),
        GroupExecutiveFactory(group=EngagementGroupFactory(borough=borough("hackney"))),
        OfficerFactory(),
        ManagerFactory(),
        LinkMemberFactory(boroughs=[borough("camden")]),
    ]
    for user in others:
        with pytest.raises(PermissionDenied):
            services.group_sla_sign(sla=sla, actor=user, loaded_version=sla.version)
    sla.refresh_from_db()
    assert sla.status == SlaStatus.DRAFT


def test_an_executive_member_not_authorised_to_sign_is_refused(sla, camden):
    treasurer = executive_user(group=camden, role=ExecutiveRole.TREASURER)
    with pytest.raises(
        ValidationError,
        match="Only the chair, or an executive member authorised to sign, can sign the SLA for the group",
    ):
        services.group_sla_sign(sla=sla, actor=treasurer, loaded_version=sla.version)
    sla.refresh_from_db()
    assert (sla.status, sla.version) == (SlaStatus.DRAFT, 1)


def test_an_executive_account_without_a_current_seat_is_refused(sla, camden):
    # An executive role on the account, but no person (so no seat) ...
    with pytest.raises(ValidationError, match="Only the chair, or an executive member authorised to sign"):
        services.group_sla_sign(sla=sla, actor=GroupExecutiveFactory(group=camden), loaded_version=sla.version)
    # ... or a chair whose term has ended.
    former = chair_user(group=camden)
    former.person.executive_roles.update(ends_on=dt.date(2001, 3, 31))
    with pytest.raises(ValidationError, match="Only the chair, or an executive member authorised to sign"):
        services.group_sla_sign(sla=sla, actor=former, loaded_version=sla.version)
    # ... or another group's chair whose account is also on Camden's executive.
    other_chair = chair_user(group=EngagementGroupFactory(borough=borough("hackney")))
    other_chair.role_assignments.create(role=Role.GROUP_EXECUTIVE, group=camden)
    with pytest.raises(ValidationError, match="Only the chair, or an executive member authorised to sign"):
        services.group_sla_sign(sla=sla, actor=other_chair, loaded_version=sla.version)


def test_an_executive_member_authorised_to_sign_signs_in_their_own_name_and_role(sla, camden):
    lead = executive_user(group=camden, role=ExecutiveRole.OTHER, authorised_to_sign=True)
    signed = services.group_sla_sign(sla=sla, actor=lead, loaded_version=sla.version)
    assert signed.status == SlaStatus.GROUP_SIGNED
    assert (signed.group_signatory_name, signed.group_signatory_role) == (
        lead.person.full_name,
        "Youth engagement lead",
    )
    event = AuditEvent.objects.get(event_type="GROUP_SLA_SIGNED", target_id=sla.pk)
    assert event.summary == f"Signed for the group by {lead.person.full_name} (Youth engagement lead)"


def test_a_disbanded_groups_sla_cannot_be_signed(sla, camden, chair):
    EngagementGroup.objects.filter(pk=camden.pk).update(status=GroupStatus.DISBANDED)
    with pytest.raises(ValidationError, match="has been disbanded, so its SLA cannot be signed"):
        _sign(sla, chair)
    sla.refresh_from_db()
    assert sla.status == SlaStatus.DRAFT


def test_only_an_officer_countersigns(sla, chair, camden):
    signed = _sign(sla, chair)
    for user in (chair, GroupAdminFactory(group=camden), LinkMemberFactory(boroughs=[borough("camden")])):
        with pytest.raises(PermissionDenied):
            services.group_sla_countersign(
                sla=signed, actor=user, countersignatory_name="X", loaded_version=signed.version
            )


def test_a_draft_cannot_be_countersigned_and_a_signed_sla_cannot_be_signed_again(sla, chair, officer):
    with pytest.raises(InvalidTransition, match="The group must sign the SLA before it is countersigned"):
        _countersign(sla, officer)
    signed = _sign(sla, chair)
    with pytest.raises(InvalidTransition, match="Only a draft SLA can be signed"):
        _sign(signed, chair)


def test_signing_a_version_that_changed_since_it_was_read_is_refused(sla, chair, officer):
    loaded = sla.version
    _vary(sla, officer)
    with pytest.raises(EditConflict):
        services.group_sla_sign(sla=sla, actor=chair, loaded_version=loaded)


def test_countersigning_cannot_be_dated_before_the_group_signed(sla, chair, officer):
    signed = services.group_sla_sign(
        sla=sla,
        actor=chair,
        loaded_version=sla.version,
        signed_on=dt.date(2030, 5, 1),
    )
    with pytest.raises(ValidationError, match="cannot be dated before the group signed"):
        services.group_sla_countersign(
            sla=signed,
            actor=officer,
            countersignatory_name="Olivia Officer",
            loaded_version=signed.version,
            signed_on=dt.date(2030, 4, 30),
        )


# --- Frozen once signed; new versions ----------------------------------------------


@pytest.mark.parametrize("status", [SlaStatus.GROUP_SIGNED, SlaStatus.SIGNED])
def test_a_variation_after_signing_makes_a_new_draft_version(camden, template, officer, status):
    old = group_sla(group=camden, year=YEAR, status=status, officer=officer)
    new = _vary(old, officer)
    old.refresh_from_db()
    assert new.pk != old.pk
    assert (new.version_number, new.status, new.previous_id) == (2, SlaStatus.DRAFT, old.pk)
    assert new.group_signed_on is None
    assert new.countersigned_on is None
    assert old.superseded_at is not None
    assert old.status == status  # the signed version is kept as it was
    assert old.outputs.get(code="public-meetings").annual_target == 4
    assert new.outputs.get(code="public-meetings").annual_target == 6
    assert new.outputs.count() == old.outputs.count() == 18
    assert AuditEvent.objects.filter(event_type="GROUP_SLA_NEW_VERSION", target_id=new.pk).exists()


def test_varying_a_superseded_version_is_an_edit_conflict(camden, template, officer):
    old = group_sla(group=camden, year=YEAR, status=SlaStatus.SIGNED, officer=officer)
    loaded = old.version
    _vary(old, officer)
    old.refresh_from_db()
    with pytest.raises(EditConflict):
        _vary(old, officer, target=8)
    # Even with its current edit version, a superseded SLA does not change.
    with pytest.raises(EditConflict):
        services.group_sla_output_vary(
            sla=old,
            code="public-meetings",
            actor=officer,
            data={"measure": "count", "annual_target": 8, "reason": "x"},
            loaded_version=old.version,
        )
    assert loaded != old.version
    assert GroupSla.objects.filter(group=camden, financial_year=YEAR).count() == 2


def test_each_version_keeps_its_own_outputs(camden, template, officer, chair):
    v1 = group_sla(group=camden, year=YEAR, status=SlaStatus.SIGNED, officer=officer)
    v2 = _sign(_vary(v1, officer), chair)
    v2 = _countersign(v2, officer)
    v3 = _vary(v2, officer, code="newsletters", reason="Council pays for printing")
    assert [s.version_number for s in GroupSla.objects.filter(group=camden).order_by("version_number")] == [1, 2, 3]
    assert GroupSlaOutput.objects.filter(sla__group=camden).count() == 54
    v3_outputs = {o.code: o.annual_target for o in v3.outputs.all()}
    assert (v3_outputs["public-meetings"], v3_outputs["newsletters"]) == (6, 6)
    assert SlaTemplateOutput.objects.filter(template__financial_year=YEAR).count() == 18
