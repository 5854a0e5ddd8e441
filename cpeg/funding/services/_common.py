"""Checks every funding service shares: today's date, amounts of money
typed into a form or import, and copying a form's fields onto a record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from cpeg.core.audit import apply_changes
from cpeg.funding.money import MoneyError, parse_money


def _today(today=None) -> dt.date:
    """``today`` if given (tests and the demo pin it), else today in London."""
    return today or timezone.localdate()


def _money(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    """Check an amount a form or import passed in: Decimal, >= 0, pence only."""
    if value is None or value == "":
        if required:
            raise ValidationError({field: f"Enter {label[0].lower() + label[1:]}"})
        return None
    try:
        return parse_money(value, label=label)
    except MoneyError as error:
        raise ValidationError({field: str(error)}) from error


def _apply(instance, data: dict, allowed) -> dict[str, tuple]:
    """Set the ``allowed`` fields ``data`` changes; return {name: (old, new)}."""
    return apply_changes(instance, data, allowed)


def check_quarter(quarter: int) -> None:
    """ValidationError unless ``quarter`` is 1 to 4."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("A quarter is numbered 1 to 4")
