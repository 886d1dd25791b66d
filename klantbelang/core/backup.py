"""Backing up and restoring the whole database, with a manifest to prove a restore complete.

SQLite: SQLite's online backup API copies a consistent snapshot while the application keeps
running. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (they must be on the PATH).
Next to every backup lies ``<backup>.json``: the number of rows of every table and a checksum of
the audit log, so a restore can show that it holds exactly what was backed up and that the audit
trail is unaltered.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

FORMAT = "klantbelang.backup/1"
AUDIT_COLUMNS = "id, created_at, actor_label, action, object_type, object_id, object_label, changes, request_id"


class BackupError(Exception):
    pass


# The manifest ---------------------------------------------------------------------------------------

def _tables(raw, vendor: str) -> list[str]:
    cursor = raw.cursor()
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _normal(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def manifest(raw, vendor: str) -> dict:
    """Row counts of every table and the audit log's checksum, read through a DB-API connection."""
    counts = {}
    cursor = raw.cursor()
    for table in _tables(raw, vendor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names come from the catalogue
        counts[table] = cursor.fetchone()[0]
    digest = hashlib.sha256()
    if "core_auditevent" in counts:
        cursor.execute(f"SELECT {AUDIT_COLUMNS} FROM core_auditevent ORDER BY id")  # noqa: S608
        for row in cursor.fetchall():
            digest.update(repr(tuple(_normal(value) for value in row)).encode())
    return {"format": FORMAT, "vendor": vendor, "tables": counts, "audit_events": counts.get("core_auditevent", 0),
            "audit_checksum": digest.hexdigest()}


def differences(expected: dict, found: dict) -> list[str]:
    out = [f"{table}: {count} rows in the backup, {found['tables'].get(table)} restored"
           for table, count in expected["tables"].items() if found["tables"].get(table) != count]
    if expected["audit_checksum"] != found["audit_checksum"]:
        out.append("the audit log differs from the backup")
    return out


def _write_manifest(path: Path, data: dict) -> Path:
    target = path.with_name(path.name + ".json")
    target.write_text(json.dumps({**data, "backup": path.name}, indent=2))
    return target


def read_manifest(path: Path) -> dict:
    target = path.with_name(path.name + ".json")
    if not target.exists():
        raise BackupError(f"{target} is missing: a backup is only restored together with its manifest")
    data = json.loads(target.read_text())
    if data.get("format") != FORMAT:
        raise BackupError(f"{target} is not a klantbelang backup manifest")
    return data


# SQLite ---------------------------------------------------------------------------------------------

def backup_sqlite(source: sqlite3.Connection, path: Path) -> dict:
    """Copy the live database into ``path`` (online, consistent) and write its manifest."""
    if path.exists():
        raise BackupError(f"{path} exists already")
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        data = manifest(target, "sqlite")
    finally:
        target.close()
    _write_manifest(path, data)
    return data


def restore_sqlite(path: Path, into: Path) -> dict:
    """Restore a backup into ``into``, which must be a new or empty database; returns the manifest
    of what was restored after checking it against the backup's."""
    expected = read_manifest(path)
    if into.exists() and into.stat().st_size:
        existing = sqlite3.connect(into)
        try:
            if any(manifest(existing, "sqlite")["tables"].values()):
                raise BackupError(f"{into} holds data: restore into a new, empty database")
        finally:
            existing.close()
    source, target = sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite3.connect(into)
    try:
        source.backup(target)
        found = manifest(target, "sqlite")
    finally:
        source.close()
        target.close()
    problems = differences(expected, found)
    if problems:
        raise BackupError("; ".join(problems))
    return found


# PostgreSQL -----------------------------------------------------------------------------------------

def _pg_environment(database: dict) -> dict:
    env = {**os.environ}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on the PATH: install the PostgreSQL client tools")
    return found


def _pg_connect(database: dict, name: str):
    import psycopg

    return psycopg.connect(dbname=name, host=database.get("HOST") or None, port=database.get("PORT") or None,
                           user=database.get("USER") or None, password=database.get("PASSWORD") or None)


def backup_postgresql(database: dict, path: Path) -> dict:
    if path.exists():
        raise BackupError(f"{path} exists already")
    with _pg_connect(database, database["NAME"]) as raw:
        before = manifest(raw, "postgresql")
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", database["NAME"]],  # noqa: S603
                   check=True, env=_pg_environment(database), capture_output=True)
    with _pg_connect(database, database["NAME"]) as raw:
        after = manifest(raw, "postgresql")
    if differences(before, after):
        path.unlink()
        raise BackupError("the database changed while it was dumped; run the backup again in a quiet moment")
    _write_manifest(path, after)
    return after


def restore_postgresql(database: dict, path: Path, into: str) -> dict:
    expected = read_manifest(path)
    with _pg_connect(database, into) as raw:
        if _tables(raw, "postgresql"):
            raise BackupError(f"database {into} holds tables: restore into a new, empty database")
    result = subprocess.run([_tool("pg_restore"), "--no-owner", f"--dbname={into}", str(path)],  # noqa: S603
                            env=_pg_environment(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_restore failed")
    with _pg_connect(database, into) as raw:
        found = manifest(raw, "postgresql")
    problems = differences(expected, found)
    if problems:
        raise BackupError("; ".join(problems))
    return found
