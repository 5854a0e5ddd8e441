"""The SLA outputs an activity can evidence, read from the standard SLA text.

Codes and wording come from ``agreements.sla_source`` (the transcribed
standard SLA), not from the agreements models, so the activity record does
not depend on how a year's template is stored.
"""

from cpeg.agreements.sla_source import OUTPUTS

OUTPUT_CHOICES: list[tuple[str, str]] = [(o["code"], o["output"]) for o in OUTPUTS]
OUTPUT_LABELS: dict[str, str] = dict(OUTPUT_CHOICES)
OUTPUT_CODES: frozenset[str] = frozenset(OUTPUT_LABELS)


def output_label(code: str) -> str:
    """The SLA's wording for an output code (the code itself if unknown)."""
    return OUTPUT_LABELS.get(code, code)
