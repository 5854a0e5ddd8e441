from decimal import Decimal

from cpeg.reviews.document import Bar, Cell, Chart, Document, Figure, Paragraph, Section, Table, figure_differences


def _doc(meetings=177, share=Decimal("0.6104")):
    section = Section(
        key="delivery",
        title="Collective delivery",
        paragraphs=[Paragraph("Groups held {delivery.public_meetings} public meetings.")],
        figures={
            "delivery.public_meetings": Figure("delivery.public_meetings", "Public meetings", meetings, str(meetings)),
            "funding.staffing": Figure("funding.staffing", "On staffing", share, "61%", unit="percent"),
        },
        tables=[Table("t", "Caption", ["Group", "Meetings"], [[Cell("Camden", "/x"), Cell("8", numeric=True)]])],
        charts=[Chart("c", "Meetings", [Bar("Camden", Decimal("8.5"), "8.5")], "alt", "t", reference=Decimal("75"))],
    )
    return Document(2025, "2025/26", "Annual review", [section])


def test_a_document_comes_back_exactly_from_its_stored_form():
    doc = _doc()
    back = Document.from_dict(doc.to_dict())
    assert back == doc
    assert back.figures()["funding.staffing"].value == Decimal("0.6104")
    assert back.sections[0].charts[0].bars[0].value == Decimal("8.5")


def test_differences_name_each_changed_added_or_gone_figure():
    published = _doc()
    assert figure_differences(published, _doc()) == []
    changed = figure_differences(published, _doc(meetings=178))
    assert [(d.key, d.published, d.now) for d in changed] == [("delivery.public_meetings", "177", "178")]
    current = _doc()
    del current.sections[0].figures["funding.staffing"]
    assert [d.now for d in figure_differences(published, current)] == ["no longer computed"]
