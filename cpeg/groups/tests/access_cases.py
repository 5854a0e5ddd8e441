from cpeg.groups.tests.factories import ExecutiveMembershipFactory, PartnerContactFactory, VenueFactory
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase

CAMDEN_CHANGERS = AUTHORITY | CAMDEN_GROUP


def camden(w):
    return {"pk": w.camden.pk}


def with_constitution(w):
    def upload(w):
        from django.core.files.base import ContentFile

        w.camden.constitution_document.save("constitution.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        return w.camden

    return {"pk": w.make("constitution", upload).pk}


def member(w):
    m = w.make("exec", lambda w: ExecutiveMembershipFactory(group=w.camden))
    return {"pk": w.camden.pk, "member_pk": m.pk}


def venue(w):
    v = w.make("venue", lambda w: VenueFactory(group=w.camden))
    return {"pk": w.camden.pk, "venue_pk": v.pk}


def contact(w):
    c = w.make("contact", lambda w: PartnerContactFactory(borough=w.camden.borough))
    return {"slug": "camden", "contact_pk": c.pk}


def person(w):
    return {"pk": w.make("exec", lambda w: ExecutiveMembershipFactory(group=w.camden)).person_id}


CASES = [
    AccessCase("groups:group-list", AUTHORITY | {"link_member"}),
    AccessCase("groups:group-create", AUTHORITY, post=True),
    AccessCase("groups:group-detail", CAMDEN_READERS, camden),
    AccessCase("groups:group-edit", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("groups:group-history", CAMDEN_READERS, camden),
    AccessCase("groups:group-constitution", CAMDEN_READERS, with_constitution),
    AccessCase("groups:executive-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("groups:executive-edit", CAMDEN_CHANGERS, member, post=True),
    AccessCase("groups:venue-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("groups:venue-edit", CAMDEN_CHANGERS, venue, post=True),
    AccessCase("groups:borough-detail", CAMDEN_READERS, lambda w: {"slug": "camden"}),
    AccessCase("groups:partner-contact-add", AUTHORITY, lambda w: {"slug": "camden"}, post=True),
    AccessCase("groups:partner-contact-edit", AUTHORITY, contact, post=True),
    AccessCase("groups:person-list", AUTHORITY),
    AccessCase("groups:person-detail", AUTHORITY, person),
    AccessCase("groups:person-edit", AUTHORITY, person, post=True),
    AccessCase("groups:other-role-add", AUTHORITY, person, post=True),
    AccessCase("groups:person-merge", AUTHORITY, person, post=True),
    AccessCase("groups:person-personal-data", AUTHORITY, person, post=True),
    AccessCase("groups:person-erase", AUTHORITY, person, post=True),
]
