"""Making and revoking API tokens (each audited, in one transaction)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.api.models import ApiToken
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import InvalidTransition

TOKEN_START = "cpeg_"
# A person's tool, or a few: more live tokens than this is a sign of a leak.
MAX_ACTIVE_TOKENS = 5


# A token's "last used" is written at most this often (not on every call).
LAST_USED_EVERY = dt.timedelta(minutes=5)


def token_mark_used(token: ApiToken) -> None:
    """Stamp when a token was last used, at most every ``LAST_USED_EVERY``.

    The one write a GET makes (docs/api.md): a bookkeeping date on the token,
    shown on its person's token list so an unused or leaked token is
    noticed; not a change to any record, so not audited."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def hash_token(token: str) -> str:
    """The stored form of a token. Tokens are 32 random bytes, so a plain
    SHA-256 is enough (no one can guess their way through the hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``actor``; return it and the token text (shown once)."""
    require_perm(actor, "api.use_partner_api")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
    if ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError({"name": f"You have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use first"})
    prefix = secrets.token_hex(4)
    text = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=actor, name=name, prefix=prefix, key_hash=hash_token(text))
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_CREATED,
        target=token,
        summary=f"Made the API token {token}",
    )
    return token, text


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s tokens (or any, for a manager)."""
    require_perm(actor, "api.revoke_apitoken", token)
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        raise InvalidTransition("This token has already been revoked")
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_REVOKED,
        target=current,
        summary=f"Revoked the API token {current} of {current.user.get_full_name() or current.user.get_username()}",
    )
    return current
