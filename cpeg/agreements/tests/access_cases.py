import datetime as dt

from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.tests.factories import group_sla, standard_template
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.tests.factories import ExecutiveMembershipFactory
from tests.access import AUTHORITY, CAMDEN_READERS, SIGNED_IN, AccessCase


def _year():
    return FinancialYear.current().start_year


def year(w):
    return {"year": standard_template(_year()).financial_year}


def template_output(w):
    template = standard_template(_year())
    return {"year": template.financial_year, "output_pk": template.outputs.get(code="newsletters").pk}


def camden(w):
    return {"pk": w.camden.pk}


def camden_year(w):
    standard_template(_year())
    return {"pk": w.camden.pk, "year": _year()}


def _camden_sla(w, status=SlaStatus.DRAFT):
    return w.make(f"sla-{status}", lambda w: group_sla(group=w.camden, year=_year(), status=status))


def with_sla(w):
    _camden_sla(w)
    return {"pk": w.camden.pk, "year": _year()}


def chair_with_sla(w):
    """The Camden executive member holds the chair's seat, so may sign."""

    def seat(w):
        user = w.users["camden_exec"]
        membership = ExecutiveMembershipFactory(group=w.camden, role=ExecutiveRole.CHAIR, starts_on=dt.date(2000, 4, 1))
        user.person = membership.person
        user.save(update_fields=["person"])
        return membership

    w.make("chair_seat", seat)
    return with_sla(w)


def with_group_signed_sla(w):
    _camden_sla(w, SlaStatus.GROUP_SIGNED)
    return {"pk": w.camden.pk, "year": _year()}


def output(w):
    _camden_sla(w)
    return {"pk": w.camden.pk, "year": _year(), "code": "public-meetings"}


def removed_output(w):
    from cpeg.agreements import services

    sla = _camden_sla(w)
    officer = w.users["officer"]
    w.make(
        "removed",
        lambda w: services.group_sla_output_remove(
            sla=sla, code="olympics", actor=officer, reason="Not a host borough", loaded_version=sla.version
        ),
    )
    return {"pk": w.camden.pk, "year": _year(), "code": "olympics"}


def version(w):
    sla = _camden_sla(w)
    return {"pk": w.camden.pk, "year": _year(), "number": sla.version_number}


CASES = [
    AccessCase("agreements:template-list", SIGNED_IN),
    AccessCase("agreements:template-start", AUTHORITY, post=True),
    AccessCase("agreements:template-detail", SIGNED_IN, year),
    AccessCase("agreements:template-output-add", AUTHORITY, year, post=True),
    AccessCase("agreements:template-output-edit", AUTHORITY, template_output, post=True),
    AccessCase("agreements:template-output-remove", AUTHORITY, template_output, post=True),
    AccessCase("agreements:sla-overview", AUTHORITY),
    AccessCase("agreements:sla-create-all", AUTHORITY, lambda w: {"year": year(w)["year"]}, post=True),
    AccessCase("agreements:group-sla", CAMDEN_READERS, camden),
    AccessCase("agreements:group-sla-version", CAMDEN_READERS, version),
    AccessCase("agreements:group-sla-create", AUTHORITY, camden_year, post=True),
    AccessCase("agreements:sla-output-add", AUTHORITY, with_sla, post=True),
    AccessCase("agreements:sla-output-vary", AUTHORITY, output, post=True),
    AccessCase("agreements:sla-output-remove", AUTHORITY, output, post=True),
    AccessCase("agreements:sla-output-restore", AUTHORITY, removed_output, post=True),
    # The chair (an executive member) signs for the group; not its administrator.
    AccessCase("agreements:sla-sign", frozenset({"camden_exec"}), chair_with_sla, post=True),
    AccessCase("agreements:sla-countersign", AUTHORITY, with_group_signed_sla, post=True),
]
