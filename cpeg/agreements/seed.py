"""Build the standard SLA template from the source document.

The data migration calls ``seed_standard_template`` with its historical
models; the ``sla_template_seed_standard`` service and test helpers pass the
real ones. Wording comes unchanged from ``agreements.sla_source``.
"""

from cpeg.agreements import sla_source

# Yearly outputs judged at the end of the year, not pro rata per quarter:
# code -> the quarter by whose end each is due.
YEARLY_OUTPUT_DUE_QUARTER = {"annual-report": 4, "membership-review": 4}

# Positions leave room for outputs officers add later within a heading.
POSITION_STEP = 10


def activity_refs_text(refs) -> str:
    """The service standards activities as stored: "3", or "14, 15"."""
    return ", ".join(str(n) for n in refs)


def seed_standard_template(template_model, heading_model, output_model, *, financial_year: int, actor=None):
    """Create the standard SLA for ``financial_year``; return it.

    Returns the existing template unchanged if the year already has one, so
    the migration is safe to run on a database that was seeded by hand.
    """
    existing = template_model.objects.filter(financial_year=financial_year).first()
    if existing is not None:
        return existing
    stamp = {"created_by": actor, "updated_by": actor}
    template = template_model.objects.create(
        financial_year=financial_year, introduction=sla_source.INTRODUCTION, **stamp
    )
    # The 0003 migration's historical model predates ``due_quarter`` (0004
    # adds it and sets it on the rows seeded before).
    has_due_quarter = any(f.name == "due_quarter" for f in output_model._meta.get_fields())
    headings = {}
    for index, row in enumerate(sla_source.HEADINGS, start=1):
        headings[row["key"]] = heading_model.objects.create(
            template=template,
            key=row["key"],
            title=row["title"],
            description=row["description"],
            position=index * POSITION_STEP,
            **stamp,
        )
    for index, row in enumerate(sla_source.OUTPUTS, start=1):
        output_model.objects.create(
            template=template,
            heading=headings[row["heading"]] if row["heading"] else None,
            code=row["code"],
            position=index * POSITION_STEP,
            output=row["output"],
            outcomes=row["outcomes"],
            in_practice=row["in_practice"],
            activity_refs=activity_refs_text(row["activity_refs"]),
            measure=row["measure"],
            annual_target=row["annual_target"],
            **({"due_quarter": YEARLY_OUTPUT_DUE_QUARTER.get(row["code"])} if has_due_quarter else {}),
            **stamp,
        )
    return template
