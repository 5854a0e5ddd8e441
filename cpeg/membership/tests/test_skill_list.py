"""Managers keep the skill list: add, rename, reorder, retire (never
remove one in use), each audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory, OfficerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.membership import selectors, services
from cpeg.membership.models import Skill, SkillAssessment
from cpeg.membership.tests.factories import SkillsAuditFactory

pytestmark = pytest.mark.django_db

NEW = {"name": "Social  media", "description": "Posts and replies", "position": 20, "is_active": True}


def test_a_manager_adds_renames_reorders_and_retires_a_skill_each_audited():
    manager = ManagerFactory()
    skill = services.skill_add(actor=manager, data=NEW)
    assert skill.name == "Social media"
    skill = services.skill_update(
        skill=skill,
        actor=manager,
        data=NEW | {"name": "Online engagement", "position": 1},
        loaded_version=skill.version,
    )
    skill = services.skill_update(skill=skill, actor=manager, data={"is_active": False}, loaded_version=skill.version)
    skill.refresh_from_db()
    assert (skill.name, skill.position, skill.is_active) == ("Online engagement", 1, False)
    events = list(AuditEvent.objects.filter(target_id=skill.pk).values_list("event_type", flat=True))
    assert events.count(AuditEventType.SKILL_ADDED) == 1
    assert events.count(AuditEventType.SKILL_CHANGED) == 2


def test_only_managers_change_the_list():
    with pytest.raises(PermissionDenied):
        services.skill_add(actor=OfficerFactory(), data=NEW)


def test_a_name_already_on_the_list_is_refused():
    existing = Skill.objects.order_by("position").first()
    with pytest.raises(ValidationError, match="already on the skill list"):
        services.skill_add(actor=ManagerFactory(), data=NEW | {"name": existing.name.upper()})


def test_a_skill_in_use_is_retired_not_removed_and_an_unused_one_is_removed():
    manager = ManagerFactory()
    used = Skill.objects.order_by("position").first()
    SkillAssessment.objects.create(audit=SkillsAuditFactory(), skill=used, level="some")
    with pytest.raises(ValidationError, match="stop asking it instead"):
        services.skill_remove(skill=used, actor=manager)
    assert Skill.objects.filter(pk=used.pk).exists()
    unused = services.skill_add(actor=manager, data=NEW)
    services.skill_remove(skill=unused, actor=manager)
    assert not Skill.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.SKILL_REMOVED).count() == 1
    rows = {r.skill.pk: r for r in selectors.skill_list()}
    assert rows[used.pk].used
    assert rows[used.pk].audits == 1


def test_the_page_offers_removal_only_for_unused_skills_and_refuses_it_for_used_ones(client):
    used = Skill.objects.order_by("position").first()
    SkillAssessment.objects.create(audit=SkillsAuditFactory(), skill=used, level="some")
    client.force_login(ManagerFactory())
    html = client.get(reverse("membership:skill-list")).content.decode()
    assert reverse("membership:skill-edit", kwargs={"pk": used.pk}) in html
    assert reverse("membership:skill-remove", kwargs={"pk": used.pk}) not in html
    assert client.post(reverse("membership:skill-remove", kwargs={"pk": used.pk})).status_code == 404


def test_the_form_shows_every_error_and_keeps_what_was_typed(client):
    client.force_login(ManagerFactory())
    response = client.post(reverse("membership:skill-add"), {"name": "", "description": "Kept", "position": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the name of the skill" in html
    assert "Place on the form must be a whole number" in html
    assert "Kept" in html
