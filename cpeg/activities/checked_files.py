"""A file that passed "Check the file only", kept so "Import" needs no second upload.

After a check with no problems, the file's bytes are kept in the default
storage under a random name, and the person's session holds that name with
the group, the file's name and its SHA-256. Choosing "Import these
activities" posts only the session's key; the file is read back, its hash
checked, and the whole file is checked again before anything is saved (the
records may have changed since). Only the session that checked it can use
it, for the group it was checked for; a kept file is removed once imported
or when a newer one replaces it, and any left behind is swept after a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

SESSION_KEY = "activities-checked-file"
FOLDER = "import-checks"
KEEP_FOR = dt.timedelta(days=1)


def keep(session, *, group, file) -> str:
    """Keep ``file`` for ``group``; return the key the import form posts."""
    forget(session)
    file.seek(0)
    data = file.read()
    file.seek(0)
    key = secrets.token_urlsafe(16)
    path = default_storage.save(f"{FOLDER}/{key}", ContentFile(data))
    session[SESSION_KEY] = {
        "key": key,
        "path": path,
        "group": group.pk,
        "name": (getattr(file, "name", "") or "file").rsplit("/", 1)[-1],
        "sha256": hashlib.sha256(data).hexdigest(),
        "at": timezone.now().isoformat(),
    }
    _sweep()
    return key


def kept_name(session, *, key: str, group) -> str | None:
    """The file name behind ``key`` if this session kept it for ``group``."""
    entry = _entry(session, key, group)
    return entry["name"] if entry else None


def take(session, *, key: str, group) -> ContentFile | None:
    """The kept file (named as uploaded), or None if it is not this session's,
    not for this group, gone, or changed on disk."""
    entry = _entry(session, key, group)
    if entry is None or not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return ContentFile(data, name=entry["name"])


def forget(session) -> None:
    """Remove this session's kept file, if any."""
    entry = session.pop(SESSION_KEY, None)
    if entry and default_storage.exists(entry["path"]):
        default_storage.delete(entry["path"])


def _entry(session, key, group):
    entry = session.get(SESSION_KEY)
    if not entry or not key or not secrets.compare_digest(str(entry.get("key", "")), str(key)):
        return None
    if group is None or entry.get("group") != group.pk:
        return None
    if timezone.now() - dt.datetime.fromisoformat(entry["at"]) > KEEP_FOR:
        return None
    return entry


def _sweep() -> None:
    """Remove kept files older than a day (abandoned checks)."""
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - KEEP_FOR
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
