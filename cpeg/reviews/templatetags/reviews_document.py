"""Template tags drawing an annual review (``reviews/document/*.html``)."""

from django import template

from cpeg.reviews.render.layout import layout

register = template.Library()


@register.simple_tag
def review_layout(document, id_prefix="", pdf=False, first_appendix=1, unnumbered=False):
    """The review laid out as the committee report (``render.layout``);
    ``first_appendix`` and ``unnumbered`` for part of it (one appendix)."""
    return layout(
        document, id_prefix=id_prefix, alt_in_title=pdf, first_appendix=first_appendix or 1, numbered=not unnumbered
    )
