from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cpeg.reviews.document import PLACEHOLDER

register = template.Library()


@register.simple_tag
def paragraph_html(figures, paragraph, links=False):
    """A paragraph's text with each ``{figure.key}`` drawn as its display
    (a link to the records behind it when ``links``); an unknown key shows
    as a dash."""
    out, last = [], 0
    text = paragraph.text
    for match in PLACEHOLDER.finditer(text):
        out.append(escape(text[last : match.start()]))
        fig = figures.get(match.group(1))
        if fig is None:
            out.append("–")
        elif links and fig.link:
            out.append(
                format_html('<a class="govuk-link" href="{}" data-figure="{}">{}</a>', fig.link, fig.key, fig.display)
            )
        else:
            out.append(format_html('<span data-figure="{}">{}</span>', fig.key, fig.display))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 - every part escaped above
