"""Optimistic locking: refuse a save based on a stale copy of a record."""

from cpeg.core.errors import EditConflict


def lock_and_check_version(model, pk, loaded_version):
    """Lock the row and return it, or raise EditConflict if it moved on.

    ``loaded_version`` is the version the person's form was built from; when
    it is None the caller did not load the record first (e.g. an import).
    """
    current = model.objects.select_for_update().get(pk=pk)
    if loaded_version is not None and int(loaded_version) != current.version:
        raise EditConflict(record=current, loaded_version=int(loaded_version))
    return current


def save_new_version(instance, *, actor, update_fields=None):
    """Bump the version, stamp the editor and save (through save(), so
    simple-history records the change)."""
    instance.version = (instance.version or 0) + 1
    if getattr(actor, "is_authenticated", False):
        instance.updated_by = actor
    instance.full_clean()
    instance.save()
    return instance
