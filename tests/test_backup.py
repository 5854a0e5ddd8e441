"""A backup restored into a fresh database holds every row and every file.

The procedure is docs/backup.md; the commands are tools/backup.py. Each
test commits real records (so a dump sees them), backs up, restores into a
new database and a new media folder, and compares a checksum of every table
and the bytes of every uploaded file.
"""

import importlib.util
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, PersonFactory, borough

_spec = importlib.util.spec_from_file_location("cpeg_backup_tool", Path(__file__).parent.parent / "tools" / "backup.py")
backup_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_tool)

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def records(transactional_db, settings, tmp_path):
    """Committed records of several kinds, with history rows and two uploads."""
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = OfficerFactory()
    group = EngagementGroupFactory(borough=borough("camden"), description="Zoë's group\nline two — £20,000")
    group.constitution_document.save("constitution.pdf", ContentFile(b"%PDF-1.4 \x00\xff constitution"))
    ExecutiveMembershipFactory(group=group, person=PersonFactory(full_name="Siobhán O'Neill", phone=""))
    GroupAdminFactory(group=group)
    other = EngagementGroupFactory(borough=borough("islington"))
    other.constitution_document.save("nested name.pdf", ContentFile(bytes(range(256)) * 40))
    audit_record(
        actor=officer,
        event_type=AuditEventType.GROUP_UPDATED,
        target=group,
        summary="Backup test",
        group=group,
        changes={"description": ("", group.description)},
    )
    return settings.MEDIA_ROOT


def assert_media_restored(media_root: Path, tmp_path: Path) -> None:
    backup_tool.media_archive(media_root, tmp_path / "media.tar.gz")
    restored = tmp_path / "restored-media"
    backup_tool.media_unpack(tmp_path / "media.tar.gz", restored)
    expected = backup_tool.media_checksums(media_root)
    assert len(expected) == 2
    assert backup_tool.media_checksums(restored) == expected


def assert_same_tables(expected: dict[str, str], restored: dict[str, str]) -> None:
    assert set(restored) == set(expected)
    differing = {table for table in expected if restored[table] != expected[table]}
    assert not differing, f"tables differ after restore: {sorted(differing)}"
    # The comparison covers the records made above, history rows included.
    for table in ("groups_person", "groups_historicalperson", "core_auditevent", "accounts_user"):
        assert not expected[table].startswith("0:"), f"{table} is empty: the test compared nothing"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's backup API; the PostgreSQL run tests pg_dump and pg_restore")
def test_sqlite_backup_restores_every_row_and_file(records, tmp_path):
    """The sqlite3 backup API's copy, restored as a new file, equals the live database."""
    live = connection.connection  # the test database (in memory), with the records committed
    expected = backup_tool.table_checksums(live, "sqlite")

    backup_tool.sqlite_copy(live, tmp_path / "database.sqlite3")
    fresh_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    (tmp_path / "backup").mkdir()
    (tmp_path / "database.sqlite3").rename(tmp_path / "backup" / "database.sqlite3")
    backup_tool.media_archive(records, tmp_path / "backup" / "media.tar.gz")
    backup_tool.restore(tmp_path / "backup", fresh_url, tmp_path / "restored-media")

    assert_same_tables(expected, backup_tool.database_checksums(fresh_url))
    assert backup_tool.media_checksums(tmp_path / "restored-media") == backup_tool.media_checksums(records)
    assert_media_restored(records, tmp_path)


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump needs PostgreSQL: runs when DATABASE_URL starts with postgres")
def test_pg_dump_restores_every_row_and_file_into_a_fresh_database(records, tmp_path):
    """pg_dump of the test database, restored into a new database, equals it table by table."""
    params = connection.settings_dict

    def url(name: str) -> str:
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"

    live_url, fresh_name = url(params["NAME"]), f"{params['NAME']}_restore_check"
    expected = backup_tool.database_checksums(live_url)
    backup_tool.backup(tmp_path / "backup", live_url, records)

    with psycopg.connect(backup_tool.pg_libpq_url(url("postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
        admin.execute(f'CREATE DATABASE "{fresh_name}"')
        try:
            backup_tool.restore(tmp_path / "backup", url(fresh_name), tmp_path / "restored-media")
            assert_same_tables(expected, backup_tool.database_checksums(url(fresh_name)))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')
    assert backup_tool.media_checksums(tmp_path / "restored-media") == backup_tool.media_checksums(records)
    assert_media_restored(records, tmp_path)


def test_a_changed_row_or_file_is_found(records, tmp_path):
    """The checksums notice one changed value and one changed byte (the comparison is not vacuous)."""
    cursor_connection = connection.connection
    before = backup_tool.table_checksums(cursor_connection, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE groups_person SET phone = '020 7946 0000' WHERE phone = ''")
    after = backup_tool.table_checksums(connection.connection, connection.vendor)
    assert before["groups_person"] != after["groups_person"]
    assert before["groups_engagementgroup"] == after["groups_engagementgroup"]

    media_before = backup_tool.media_checksums(records)
    path = next(p for p in records.rglob("*.pdf"))
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    assert backup_tool.media_checksums(records) != media_before
