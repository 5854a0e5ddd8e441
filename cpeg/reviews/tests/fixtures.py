"""A hand-built annual review for the renderers' tests and the PDF bench.

Shaped like the generated one (``reviews.sections``) and the 2009 report it
follows: recommendations, body sections with figures compared with last
year, tables and charts, officers' narrative (one holding markup that must
come out escaped), a suppressed figure, and one appendix per group (32).
No database: every value is written out here, so a test can say exactly
what each output must hold.
"""

from __future__ import annotations

from decimal import Decimal

from cpeg.reviews.document import Bar, Cell, Chart, Document, Figure, Paragraph, Section, Table

BOROUGHS = [
    "Barking and Dagenham",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Kensington and Chelsea",
    "Kingston upon Thames",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond upon Thames",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
]

HOSTILE_NARRATIVE = (
    'Groups met their targets.\n\n<script>alert("narrative")</script> was typed by an officer\nand must show as text.'
)

# The staffing share of each group's award (exact), for the chart and the
# table behind it: eight over 75%, as in the source.
STAFFING_SHARES = [Decimal(24) + Decimal(72) * i / 31 for i in range(32)]


def _figure(key, label, value, display, *, unit="count", previous=None, previous_display="", change="", **extra):
    return Figure(
        key=key,
        label=label,
        value=value,
        display=display,
        unit=unit,
        link=extra.pop("link", f"/reviews/2025/records/{key}/"),
        link_count=extra.pop("link_count", value if isinstance(value, int) else None),
        previous=previous,
        previous_display=previous_display,
        change_display=change,
        **extra,
    )


def _percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1))}%"


def recommendations() -> Section:
    return Section(
        key="recommendations",
        title="Recommendations",
        paragraphs=[
            Paragraph("That members note the report; and"),
            Paragraph("agree to discuss the future of the groups as part of the engagement strategy review."),
        ],
    )


def delivery() -> Section:
    figures = {
        "delivery.public_meetings": _figure(
            "delivery.public_meetings",
            "Public meetings",
            177,
            "177",
            previous=165,
            previous_display="165",
            change="up 12",
        ),
        "delivery.targeted_events": _figure(
            "delivery.targeted_events",
            "Targeted events",
            131,
            "131",
            previous=140,
            previous_display="140",
            change="down 9",
        ),
        "delivery.consultation_products": _figure("delivery.consultation_products", "Consultation products", 20, "20"),
    }
    rows = [
        [Cell(name, f"/groups/{i}/"), Cell(str(4 + i % 5), numeric=True), Cell(str(2 + i % 4), numeric=True)]
        for i, name in enumerate(BOROUGHS)
    ]
    return Section(
        key="delivery",
        title="Collective delivery",
        paragraphs=[
            Paragraph(
                "In 2025/26 the groups collectively held {delivery.public_meetings} public meetings and "
                "{delivery.targeted_events} targeted events, and produced {delivery.consultation_products} "
                "consultation products (local surveys)."
            ),
            Paragraph("Every group held at least four public meetings."),
        ],
        figures=figures,
        tables=[
            Table("delivery.by_group", "Meetings and events by group, 2025/26", ["Group", "Meetings", "Events"], rows)
        ],
        narrative=HOSTILE_NARRATIVE,
    )


def funding() -> Section:
    shares = {name: share for name, share in zip(BOROUGHS, STAFFING_SHARES, strict=True)}
    over = sum(1 for s in STAFFING_SHARES if s > 75)
    figures = {
        "funding.staffing_share": _figure(
            "funding.staffing_share",
            "Share of the budget on staffing",
            Decimal("0.6104"),
            "61%",
            unit="percent",
            previous=Decimal("0.5930"),
            previous_display="59%",
            change="up 2 points",
        ),
        "funding.over_75": _figure("funding.over_75", "Groups spending over 75% on staffing", over, str(over)),
        "funding.total": _figure(
            "funding.total", "Total awarded", Decimal("1600000.00"), "£1,600,000", unit="money", link_count=32
        ),
    }
    table = Table(
        "funding.staffing_by_group",
        "Staffing as a share of each group's award, 2025/26",
        ["Group", "Staffing share", "Award"],
        [
            [Cell(name), Cell(_percent(share), numeric=True), Cell("£50,000", numeric=True)]
            for name, share in shares.items()
        ],
    )
    chart = Chart(
        key="funding.staffing_chart",
        title="Staffing as a share of each group's award",
        bars=[Bar(name, share, _percent(share)) for name, share in shares.items()],
        alt=f"Staffing shares range from 24% to 96%; {over} groups spend over 75% on staffing.",
        table_key="funding.staffing_by_group",
        unit="percent",
        reference=Decimal(75),
        reference_label="75%",
    )
    by_model = Table(
        "funding.by_model",
        "Staffing share by staffing model",
        ["Staffing model", "Groups", "Staffing share"],
        [
            [Cell("Directly employed"), Cell("12", numeric=True), Cell("68%", numeric=True)],
            [Cell("Council employed"), Cell("14", numeric=True), Cell("57%", numeric=True)],
            [Cell("Voluntary sector"), Cell("6", numeric=True), Cell("-3%", numeric=True)],
        ],
    )
    return Section(
        key="funding",
        title="Funding and staffing",
        paragraphs=[
            Paragraph(
                "{funding.staffing_share} of the total budget of {funding.total} is allocated to staffing. "
                "In {funding.over_75} boroughs staffing is over 75% of the budget."
            )
        ],
        figures=figures,
        tables=[table, by_model],
        charts=[chart],
    )


def representation() -> Section:
    figures = {
        "representation.disabled_members": _figure(
            "representation.disabled_members",
            "Disabled members in Sutton",
            None,
            "fewer than 5",
            link="",
            link_count=None,
            suppressed=True,
        ),
    }
    return Section(
        key="representation",
        title="Representativeness",
        paragraphs=[Paragraph("Sutton's group had {representation.disabled_members} disabled members.")],
        figures=figures,
    )


def appendix(index: int, name: str) -> Section:
    key = f"group.{index}"
    figures = {
        f"{key}.meetings": _figure(f"{key}.meetings", "Public meetings", 4 + index % 5, str(4 + index % 5)),
        f"{key}.award": _figure(f"{key}.award", "Award", Decimal("50000.00"), "£50,000", unit="money", link_count=1),
    }
    returns = Table(
        f"{key}.returns",
        f"{name}: quarterly returns",
        ["Quarter", "Sent", "Rating"],
        [[Cell(f"Q{q}"), Cell(f"{q * 7} July 2025"), Cell("Green")] for q in range(1, 5)],
    )
    return Section(
        key=key,
        title=f"{name} CPEG",
        paragraphs=[
            Paragraph(f"The group held {{{key}.meetings}} public meetings on an award of {{{key}.award}}."),
        ],
        figures=figures,
        tables=[returns],
        appendix=True,
    )


def review_document(groups: int = 32) -> Document:
    """A realistic review: recommendations, four body sections, and one
    appendix per group (``groups`` of them)."""
    sections = [recommendations(), delivery(), funding(), representation()]
    sections += [appendix(i, name) for i, name in enumerate((BOROUGHS * 100)[:groups])]
    return Document(
        financial_year=2025,
        year_label="2025/26",
        title="Community and police engagement groups: annual review 2025/26",
        sections=sections,
        generated_on="2026-06-11",
    )
