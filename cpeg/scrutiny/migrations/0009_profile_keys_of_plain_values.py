"""Search profiles are keyed by a digest of their values as stored (plain
text, true, false, none). Imports before this migration keyed them by the
values with their choice labels' names (``EthnicGroup.WHITE`` for
"white"), so a profile the 0008 migration made and the same profile from
a later import had different keys, and a later import added it again.

Every profile is keyed again from its stored values. Profiles that then
share a key are the same profile: the searches of the later ones move to
the first, and the later ones go."""

import hashlib

from django.db import migrations

PROFILE_FIELDS = (
    "search_type",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "self_defined_group",
    "self_defined_census_group",
    "officer_defined_group",
    "legislation",
    "object_of_search",
    "outcome",
    "outcome_linked_to_object",
    "more_than_outer_clothing_removed",
)


def _key(values) -> str:  # models.profile_key, as it stands at this migration
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=16).hexdigest()


def key_again(apps, schema_editor):
    Profile = apps.get_model("scrutiny", "StopSearchProfile")
    StopSearch = apps.get_model("scrutiny", "StopSearch")
    kept: dict[str, int] = {}
    moves: dict[int, list[int]] = {}
    rekey: list = []
    for pk, key, *values in Profile.objects.order_by("pk").values_list("pk", "key", *PROFILE_FIELDS).iterator():
        new_key = _key(values)
        if new_key in kept:
            moves.setdefault(kept[new_key], []).append(pk)
            continue
        kept[new_key] = pk
        if key != new_key:
            rekey.append((pk, new_key))
    for keep, duplicates in moves.items():
        StopSearch.objects.filter(profile_id__in=duplicates).update(profile_id=keep)
        Profile.objects.filter(pk__in=duplicates).delete()
    # Keys are unique: first out of the way, then their new values.
    for pk, _ in rekey:
        Profile.objects.filter(pk=pk).update(key=f"rekey-{pk}")
    for pk, new_key in rekey:
        Profile.objects.filter(pk=pk).update(key=new_key)


class Migration(migrations.Migration):
    dependencies = [
        ("scrutiny", "0008_stopsearch_profiles"),
    ]

    operations = [migrations.RunPython(key_again, migrations.RunPython.noop)]
