#!/usr/bin/env python3
"""Back up and restore CPEG Manager's database and uploaded files.

    tools/backup.py backup  DIR    # DIR/database.dump (or .sqlite3), DIR/media.tar.gz, DIR/checksums.json
    tools/backup.py restore DIR    # into the (empty) database DATABASE_URL names, and MEDIA_ROOT
    tools/backup.py verify  DIR    # compare the live database and MEDIA_ROOT with DIR/checksums.json

DATABASE_URL and MEDIA_ROOT are read from the environment, as the site reads
them (defaults: db.sqlite3 and media/ beside manage.py). PostgreSQL is dumped
with ``pg_dump --format=custom`` and restored with ``pg_restore``; SQLite is
copied with the sqlite3 backup API, which gives a consistent copy while the
site is running. The procedure is in docs/backup.md; tests/test_backup.py
checks that a restore holds every row and every file byte for byte.

Standard library only, so it runs without the virtualenv.
"""

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import unquote

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"


def media_root() -> Path:
    return Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def sqlite_path(url: str) -> Path:
    """The file a ``sqlite:///path`` URL names (django-environ's form)."""
    return Path(unquote(url.split(":///", 1)[1]))


def pg_libpq_url(url: str) -> str:
    """A URL libpq's tools accept (they know postgres:// and postgresql:// only)."""
    return "postgresql://" + url.split("://", 1)[1]


# -- database ---------------------------------------------------------------


def sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy a live SQLite database into a new file with the backup API."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def pg_dump(url: str, target_path: Path) -> None:
    """Dump a PostgreSQL database in pg_dump's custom (compressed) format."""
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target_path}", pg_libpq_url(url)],
        check=True,
    )


def pg_restore(url: str, dump_path: Path) -> None:
    """Restore a custom-format dump into an empty PostgreSQL database."""
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={pg_libpq_url(url)}", str(dump_path)],
        check=True,
    )  # fmt: skip


def table_checksums(connection, vendor: str) -> dict[str, str]:
    """SHA-256 of every table's rows (sorted, so row order does not matter).

    ``connection`` is a DB-API connection: sqlite3's, or psycopg's for
    PostgreSQL. A NULL, an empty string, a number and a date each hash
    differently.
    """
    cursor = connection.cursor()
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    sums = {}
    for table in tables:
        # Each row as the database's own text for it (SQLite's quote(),
        # PostgreSQL's row-to-text cast), so no driver's type conversion can
        # hide or invent a difference. Names come from the catalogue above.
        if vendor == "sqlite":
            cursor.execute(f'SELECT name FROM pragma_table_info("{table}")')
            columns = ", ".join(f'quote("{column}")' for (column,) in cursor.fetchall())
            cursor.execute(f'SELECT {columns} FROM "{table}"')
        else:
            cursor.execute(f'SELECT t::text FROM "{table}" t')
        rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
        sums[table] = f"{len(rows)}:{digest.hexdigest()}"
    return sums


def database_checksums(url: str) -> dict[str, str]:
    if is_postgres(url):
        import psycopg

        with psycopg.connect(pg_libpq_url(url)) as connection:
            return table_checksums(connection, "postgresql")
    connection = sqlite3.connect(f"file:{sqlite_path(url)}?mode=ro", uri=True)
    try:
        return table_checksums(connection, "sqlite")
    finally:
        connection.close()


# -- media ------------------------------------------------------------------


def media_checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by path relative to it."""
    sums = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        sums[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def media_archive(root: Path, target_path: Path) -> None:
    with tarfile.open(target_path, "w:gz") as archive:
        if root.exists():
            archive.add(root, arcname=".")


def media_unpack(archive_path: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(root, filter="data")  # refuses absolute paths and ../


# -- commands ---------------------------------------------------------------


def backup(directory: Path, url: str, media: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if is_postgres(url):
        pg_dump(url, directory / "database.dump")
    else:
        source = sqlite3.connect(f"file:{sqlite_path(url)}?mode=ro", uri=True)
        try:
            sqlite_copy(source, directory / "database.sqlite3")
        finally:
            source.close()
    media_archive(media, directory / "media.tar.gz")
    # Checksums of what was copied, not of the live site (which may have
    # moved on while the archive was written).
    if is_postgres(url):
        database = {}  # a dump is checked by restoring it: see docs/backup.md
    else:
        database = database_checksums(f"sqlite:///{directory / 'database.sqlite3'}")
    (directory / "checksums.json").write_text(
        json.dumps({"database": database, "media": media_checksums_of_archive(directory / "media.tar.gz")}, indent=1)
    )


def media_checksums_of_archive(archive_path: Path) -> dict[str, str]:
    sums = {}
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile():
                name = member.name.removeprefix("./")
                sums[name] = hashlib.sha256(archive.extractfile(member).read()).hexdigest()
    return dict(sorted(sums.items()))


def restore(directory: Path, url: str, media: Path) -> None:
    if is_postgres(url):
        pg_restore(url, directory / "database.dump")
    else:
        target = sqlite_path(url)
        if target.exists() and target.stat().st_size:
            sys.exit(f"{target} exists: restore into a new, empty file")
        # An empty file's leftover write-ahead log would be replayed into
        # the restored database: removed first.
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(directory / "database.sqlite3", target)
    media_unpack(directory / "media.tar.gz", media)


def verify(directory: Path, url: str, media: Path) -> bool:
    expected = json.loads((directory / "checksums.json").read_text())
    ok = True
    if expected["database"]:
        actual = database_checksums(url)
        for table in sorted(set(expected["database"]) | set(actual)):
            if expected["database"].get(table) != actual.get(table):
                print(f"table {table}: backup {expected['database'].get(table)}, live {actual.get(table)}")
                ok = False
    actual_media = media_checksums(media)
    for name in sorted(set(expected["media"]) | set(actual_media)):
        if expected["media"].get(name) != actual_media.get(name):
            print(f"media {name}: differs or missing")
            ok = False
    print("identical" if ok else "DIFFERENCES FOUND")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["backup", "restore", "verify"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    url, media = database_url(), media_root()
    if args.command == "backup":
        backup(args.directory, url, media)
        print(f"backed up to {args.directory}")
    elif args.command == "restore":
        restore(args.directory, url, media)
        print(f"restored from {args.directory}")
    else:
        return 0 if verify(args.directory, url, media) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
