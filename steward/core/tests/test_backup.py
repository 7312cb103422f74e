"""Backup and restore: round trips on SQLite, PostgreSQL and across the two, through the CLI.

The restoring side always runs `steward restore` in a separate process with its own data
folder and database, as an administrator would.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import BooleanField, DateTimeField, JSONField, UUIDField

from conftest import require_service
from steward.core.backup import MANIFEST, BackupError, backup_create
from steward.core.models import Attachment, AuditEntry, Comment, Tag, TaggedItem
from steward.core.restore import restore_archive

STEWARD = str(Path(sys.executable).parent / "steward")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
EXTRA_DATA = """
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from steward.core.models import Attachment, Comment, Tag, TaggedItem
from steward.org.models import Person
person = Person.objects.order_by("pk").first()
ct = ContentType.objects.get_for_model(Person)
attachment = Attachment(content_type=ct, object_id=str(person.pk), name="lease.pdf", size=7,
                        media_type="application/pdf", sha256="-")
attachment.file.save("lease.pdf", ContentFile(b"%PDF-1.4"), save=True)
Comment.objects.create(content_type=ct, object_id=str(person.pk), body="Käse ☕ \\n ok")
tag = Tag.objects.create(name="VIP", slug="vip")
TaggedItem.objects.create(tag=tag, content_type=ct, object_id=str(person.pk))
"""


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env["STEWARD_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database_url:
        env["STEWARD_DATABASE_URL"] = database_url
    return env


def _cli(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [STEWARD, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
        }


def _content(archive: Path) -> dict[str, bytes]:
    """Every row (db/*.jsonl) and every file of an archive; the manifest differs by time."""
    return {name: data for name, data in _members(archive).items() if name != MANIFEST}


def _rows(cursor: Any, model: Any) -> list[tuple[Any, ...]]:
    columns = ", ".join(f'"{f.column}"' for f in model._meta.local_concrete_fields)
    pk = model._meta.pk.column
    cursor.execute(f'SELECT {columns} FROM "{model._meta.db_table}" ORDER BY "{pk}"')  # noqa: S608
    fields = model._meta.local_concrete_fields
    return [
        tuple(_value(f, v) for f, v in zip(fields, row, strict=True)) for row in cursor.fetchall()
    ]


def _value(field: Any, value: Any) -> Any:
    """A column value as Python sees it, whichever engine stored it: JSON by value (the
    archive keeps keys sorted, as PostgreSQL's jsonb does), times as UTC, booleans as bool."""
    if value is None:
        return None
    if isinstance(field, JSONField):
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(field, DateTimeField):
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC)
    if isinstance(field, (BooleanField, UUIDField)):
        return field.to_python(value)
    return value


@pytest.fixture
def source_world(org_world, settings, tmp_path):
    """A data folder with files to keep and to leave out, and rows of every kind."""
    data = tmp_path / "source"
    for name, body in {
        "secret_key": b"s3cret",
        "outbox/1.eml": b"Subject: hi\n",
        "static/app.css": b"body{}",
        "prometheus/counter.db": b"x",
        "backups/old.tar.gz": b"old",
        "steward.sqlite3": b"live",
        "steward.sqlite3-wal": b"wal",
    }.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(body)
    settings.DATA_DIR = data
    person = org_world["users"]["agent"].person
    team = person.organisation.teams.create(name="Service Desk", lead=person)
    team.members.add(person, org_world["users"]["admin"].person)
    ct = ContentType.objects.get_for_model(person)
    attachment = Attachment(
        content_type=ct,
        object_id=str(person.pk),
        name="contract.pdf",
        size=8,
        media_type="application/pdf",
        sha256="-",
        uploaded_by=org_world["users"]["admin"],
    )
    attachment.file.save("contract.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Comment.objects.create(content_type=ct, object_id=str(person.pk), body="Ünïcode ✓")
    tag = Tag.objects.create(name="VIP", slug="vip")
    TaggedItem.objects.create(tag=tag, content_type=ct, object_id=str(person.pk))
    person.job_title = "Lead agent"
    person.save()
    return {"data": data, "attachment": attachment, **org_world}


def test_sqlite_round_trip_restores_every_row_and_file(source_world, settings, tmp_path):
    assert AuditEntry.objects.filter(action="update").exists()
    archive = backup_create(output=tmp_path / "out" / "steward.tar.gz").path
    members = _members(archive)
    manifest = json.loads(members[MANIFEST])
    assert set(n for n in members if n.startswith("data/")) == {
        "data/secret_key",
        "data/outbox/1.eml",
    }
    assert f"media/{source_world['attachment'].file.name}" in members
    assert manifest["migrations"]["org"] and manifest["steward_version"]
    assert {t["model"]: t["rows"] for t in manifest["tables"]}["org.team_members"] == 2

    target = tmp_path / "target"
    result = _cli(_env(target), "restore", str(archive))
    assert "Restored" in result.stdout

    restored = sqlite3.connect(
        target / "steward.sqlite3", detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    )
    compared = 0
    with connection.cursor() as cursor:
        for table in manifest["tables"]:
            model = apps.get_model(table["model"])
            expected = _rows(cursor, model)
            assert _rows(restored.cursor(), model) == expected, model._meta.label
            compared += len(expected)
    assert compared == sum(t["rows"] for t in manifest["tables"])
    name = source_world["attachment"].file.name
    assert (target / "files" / name).read_bytes() == b"%PDF-1.4"
    assert (target / "secret_key").read_bytes() == b"s3cret"
    assert (target / "outbox" / "1.eml").exists()
    assert not (target / "static" / "app.css").exists()

    again = _cli(_env(target), "restore", str(archive), ok=False)
    assert again.returncode != 0
    assert "already holds data" in again.stderr


def test_restore_refuses_a_database_that_holds_data(source_world, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    people = source_world["internal"].people.count()
    with pytest.raises(BackupError, match="already holds data"):
        restore_archive(archive=archive, log=lambda m: None)
    assert source_world["internal"].people.count() == people


def test_truncated_archive_is_refused_and_changes_nothing(source_world, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = tmp_path / "target"
    result = _cli(_env(target), "restore", str(truncated), ok=False)
    assert result.returncode != 0
    assert "damaged or truncated" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (target / "steward.sqlite3").exists()
    assert not (target / "files").exists()


def test_tampered_member_is_refused_by_its_sha256(source_world, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as out:
        for name, data in _members(archive).items():
            if name == "db/org.person.jsonl":
                data = data.replace(b"Lead agent", b"Evil agent")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match=r"db/org\.person\.jsonl .*sha256 mismatch"):
        restore_archive(archive=tampered, log=lambda m: None)

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    with pytest.raises(BackupError, match="damaged or truncated"):
        restore_archive(archive=garbage, log=lambda m: None)


def test_verify_only_reports_an_intact_archive_without_touching_the_target(source_world, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    target = tmp_path / "target"
    result = _cli(_env(target), "restore", "--verify-only", str(archive))
    assert "intact" in result.stdout
    assert not (target / "steward.sqlite3").exists()


# --- PostgreSQL: own databases, created and dropped here -----------------------------------


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_database() -> Iterator[Any]:
    require_service("PostgreSQL on 127.0.0.1:5432", _postgres_up())
    import psycopg

    created: list[str] = []

    def make(role: str) -> str:
        name = f"steward_backup_{role}_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"postgres://postgres@127.0.0.1:5432/{name}"

    yield make
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(env: dict[str, str]) -> None:
    """The demo organisation (what `steward demo --no-serve` loads) plus generic rows."""
    _cli(env, "migrate", "--skip-checks", "-v0")
    demo = "from steward.core.management.commands.demo import seed_demo; seed_demo(print)\n"
    _cli(env, "shell", "-c", demo + EXTRA_DATA)


def _round_trip(source: dict[str, str], target: dict[str, str], tmp_path: Path) -> None:
    _seed(source)
    first = tmp_path / "first.tar.gz"
    _cli(source, "backup", "--output", str(first))
    _cli(target, "restore", str(first))
    second = tmp_path / "second.tar.gz"
    _cli(target, "backup", "--output", str(second))
    before, after = _content(first), _content(second)
    assert sorted(before) == sorted(after)
    for name in before:
        assert before[name] == after[name], name
    manifest = json.loads(_members(first)[MANIFEST])
    rows = {t["model"]: t["rows"] for t in manifest["tables"]}
    assert rows["org.person"] > 500 and rows["core.auditentry"] > 500
    # EXTRA_DATA adds one attachment; demo data (mail to the service desk) may add more.
    assert rows["core.attachment"] >= 1 and rows["org.team_members"] > 0
    # Sequences continue after the restored ids: new rows get fresh keys.
    _cli(target, "shell", "-c", EXTRA_DATA.replace('"VIP", slug="vip"', '"New", slug="new"'))


@pytest.mark.postgres
def test_postgres_round_trip(pg_database, tmp_path):
    source = _env(tmp_path / "src", pg_database("src"))
    target = _env(tmp_path / "dst", pg_database("dst"))
    _round_trip(source, target, tmp_path)


@pytest.mark.postgres
def test_sqlite_to_postgres_round_trip(pg_database, tmp_path):
    source = _env(tmp_path / "src")
    target = _env(tmp_path / "dst", pg_database("dst"))
    _round_trip(source, target, tmp_path)


def test_manifest_missing_keys_is_refused_not_a_crash(source_world, tmp_path):
    archive = backup_create(output=tmp_path / "b.tar.gz").path
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as out:
        for name, data in _members(archive).items():
            if name == MANIFEST:
                manifest = json.loads(data)
                del manifest["tables"]
                data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="manifest is incomplete"):
        restore_archive(archive=broken, log=lambda m: None)
