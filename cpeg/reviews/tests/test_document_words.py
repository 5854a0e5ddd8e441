from decimal import Decimal

from cpeg.reviews.document import Paragraph
from cpeg.reviews.sections import count_in_words, figure


def test_a_count_of_one_is_followed_by_the_singular():
    figures = {
        "a": figure("a", "Public meetings", 1),
        "b": figure("b", "Targeted events", 2),
        "c": figure("c", "Share", Decimal("1"), unit="percent"),
    }
    text = "{a} public meetings and {b} targeted events; {a} quarterly returns were submitted; {c} outputs"
    assert count_in_words(Paragraph(text), figures).text == (
        "{a} public meeting and {b} targeted events; {a} quarterly return was submitted; {c} outputs"
    )
