"""A government's backup round-trips: Kota Bandung's reports, photos (their bytes) and audit
events come back identical under a new schema beside the original; a corrupt archive, one
from other code (migration state) or a target schema that exists is refused with nothing
written. Each test runs in a rolled-back transaction, so the restored schemas vanish with it;
media go to a temporary directory."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tenants.context import government_context
from tenants.models import Domain, Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, process_photos, submit
from tests.warga.reports.images import distinct_image
from warga.onboarding.backups import MEDIA_PATH_COLUMNS, BackupError, government_backup, government_restore
from warga.reports.models import Report, ReportPhoto

RESTORED = "gov_32_73_pulih"


def _photo(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"foto-{seed}.jpg", distinct_image(seed), content_type="image/jpeg")


@pytest.fixture
def bandung_with_reports(
    bandung: Government, jakarta: Government, django_capture_on_commit_callbacks: Any
) -> Government:
    """Three Bandung reports with five photos, a comment and their audit events; one Jakarta
    report with a photo, which no Bandung archive may carry."""
    citizen = UserFactory()
    submit(citizen, photos=[_photo(1), _photo(2)])
    submit(citizen, photos=[_photo(3)], privacy="rahasia")
    submit(UserFactory(), photos=[_photo(4), _photo(5)], description="Sampah menumpuk di pinggir sungai; bau.")
    submit(
        citizen,
        photos=[_photo(6)],
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        village_code=JAKARTA_VILLAGE,
    )
    assert process_photos(bandung, django_capture_on_commit_callbacks) == ["ready"] * 5
    assert process_photos(jakarta, django_capture_on_commit_callbacks) == ["ready"]
    return bandung


def _digest(schema: str, table: str, *, without: tuple[str, ...] = ()) -> tuple[int, str]:
    """Rows and an md5 of every row's every column (minus `without`), in id order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [f"{schema}.{table}"],
        )
        columns = [c for c in cursor.fetchone()[0] if c not in without]
        listed = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f'SELECT count(*), md5(coalesce(string_agg(row({listed})::text, chr(10) ORDER BY id), \'\')) FROM "{schema}"."{table}"'
        )
        count, digest = cursor.fetchone()
        return count, digest


def _photo_bytes(schema: str) -> list[tuple[int, str, str]]:
    """Each photo's id with the sha256 of its file and its thumbnail, as stored on disk."""
    root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, path, thumbnail_path FROM "{schema}".reports_photo ORDER BY id')
        rows = cursor.fetchall()
    for _, path, thumbnail in rows:
        assert path.split("/")[1] == schema
        assert thumbnail.split("/")[1] == schema
    return [
        (
            photo_id,
            hashlib.sha256((root / path).read_bytes()).hexdigest(),
            hashlib.sha256((root / thumbnail).read_bytes()).hexdigest(),
        )
        for photo_id, path, thumbnail in rows
    ]


def _table_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' ORDER BY 1", [schema]
        )
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_bandung_round_trips_beside_the_original(bandung_with_reports: Government, tmp_path: Path) -> None:
    archive = tmp_path / "bandung.tar"
    output = StringIO()
    call_command("government_backup", "32.73", "--output", str(archive), stdout=output)
    assert "Selesai: skema gov_32_73" in output.getvalue()

    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())  # type: ignore[union-attr]
        members = {member.name for member in opened.getmembers()}
    assert (manifest["code"], manifest["schema"]) == ("32.73", "gov_32_73")
    assert manifest["tables"]["reports_report"]["rows"] == 3
    assert manifest["tables"]["reports_photo"]["rows"] == 5
    assert "0001_initial" in manifest["migrations"]["reports"]
    assert manifest["media"] == {"files": 10, "bytes": manifest["media"]["bytes"], "missing": []}
    # Every member has its checksum; no Jakarta file travels in Bandung's archive.
    assert set(manifest["checksums"]) == members - {"manifest.json"}
    assert all(not name.startswith("media/") or name.split("/")[2] == "gov_32_73" for name in members)
    assert not any("gov_31" in name for name in members)

    schemas_before = _schemas()
    registry_before = (Government.objects.count(), Domain.objects.count())
    output = StringIO()
    call_command("government_restore", str(archive), "--as-schema", RESTORED, stdout=output)
    assert f"Dipulihkan ke skema {RESTORED} (tidak melayani siapa pun" in output.getvalue()

    assert _schemas() == schemas_before | {RESTORED}
    assert _table_counts(RESTORED) == _table_counts("gov_32_73")
    assert _digest(RESTORED, "reports_report") == _digest("gov_32_73", "reports_report")
    assert _digest(RESTORED, "reports_event") == _digest("gov_32_73", "reports_event")
    assert _digest(RESTORED, "reports_photo", without=("path", "thumbnail_path")) == _digest(
        "gov_32_73", "reports_photo", without=("path", "thumbnail_path")
    )
    assert _photo_bytes(RESTORED) == _photo_bytes("gov_32_73")
    assert len(_photo_bytes(RESTORED)) == 5
    # The copy serves no one: no registry row, no domain; the original is untouched.
    assert (Government.objects.count(), Domain.objects.count()) == registry_before
    assert not Government.objects.filter(schema_name=RESTORED).exists()
    # Sequences continue past the restored rows.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{RESTORED}.reports_report_id_seq')")
        assert cursor.fetchone()[0] > max(_ids("gov_32_73"))


def _ids(schema: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{schema}".reports_report')
        return [row[0] for row in cursor.fetchall()]


def _rewrite(archive: Path, *, member: str, change: Any) -> None:
    """Rewrite one member of the archive in place through `change(bytes) -> bytes`."""
    with tarfile.open(archive) as opened:
        contents = {m.name: opened.extractfile(m).read() for m in opened.getmembers()}  # type: ignore[union-attr]
    contents[member] = change(contents[member])
    with tarfile.open(archive, "w") as rewritten:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            rewritten.addfile(info, io.BytesIO(data))


def _nothing_written(schemas: set[str], media: list[str], registry: tuple[int, int]) -> None:
    assert _schemas() == schemas
    assert _media_files() == media
    assert (Government.objects.count(), Domain.objects.count()) == registry


@pytest.fixture
def archive(bandung_with_reports: Government, tmp_path: Path) -> Path:
    path = tmp_path / "bandung.tar"
    government_backup(code="32.73", output=path)
    return path


def _state() -> tuple[set[str], list[str], tuple[int, int]]:
    return _schemas(), _media_files(), (Government.objects.count(), Domain.objects.count())


def test_a_tampered_archive_is_refused_and_nothing_is_written(archive: Path) -> None:
    def flip(data: bytes) -> bytes:
        return data[:-20] + bytes([data[-20] ^ 0xFF]) + data[-19:]

    _rewrite(archive, member="data/reports_report.copy.gz", change=flip)
    before = _state()
    with pytest.raises(CommandError, match=r"Arsip rusak: checksum data/reports_report.copy.gz tidak cocok"):
        call_command("government_restore", str(archive), "--as-schema", RESTORED)
    _nothing_written(*before)


def test_a_tampered_photo_is_refused_and_nothing_is_written(archive: Path) -> None:
    with tarfile.open(archive) as opened:
        photo = next(name for name in opened.getnames() if name.startswith("media/reports/"))
    _rewrite(archive, member=photo, change=lambda data: data + b"\0")
    before = _state()
    with pytest.raises(BackupError, match=rf"checksum {photo} tidak cocok"):
        government_restore(archive_path=archive, as_schema=RESTORED)
    _nothing_written(*before)


def test_an_archive_of_other_migrations_is_refused_and_nothing_is_written(archive: Path) -> None:
    def future(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["migrations"]["reports"].append("9999_laporan_masa_depan")
        manifest["migrations"]["routing"] = manifest["migrations"]["routing"][:-1]
        return json.dumps(manifest).encode()

    _rewrite(archive, member="manifest.json", change=future)
    before = _state()
    with pytest.raises(
        CommandError, match=r"Keadaan migrasi arsip tidak sama.*reports\.9999_laporan_masa_depan.*routing\."
    ):
        call_command("government_restore", str(archive), "--as-schema", RESTORED)
    _nothing_written(*before)


@pytest.mark.parametrize(
    ("as_schema", "message"),
    [
        (None, "Skema gov_32_73 sudah ada; tidak ada yang ditulis. Pulihkan di samping aslinya dengan --as-schema"),
        # Another government's schema: the archive never lands in Jakarta.
        ("gov_31", "Skema gov_31 sudah ada"),
        ("public", "tidak sah"),
        ('gov"; DROP SCHEMA gov_31 CASCADE; --', "tidak sah"),
    ],
)
def test_a_schema_that_exists_or_is_not_a_name_is_refused(
    archive: Path, jakarta: Government, as_schema: str | None, message: str
) -> None:
    before = _state()
    jakarta_reports = _digest("gov_31", "reports_report")
    with pytest.raises(BackupError, match=message.replace(".", r"\.")):
        government_restore(archive_path=archive, as_schema=as_schema)
    _nothing_written(*before)
    assert _digest("gov_31", "reports_report") == jakarta_reports


def test_recovery_restores_into_the_governments_own_schema_once_it_is_moved_away(
    archive: Path, bandung: Government
) -> None:
    original = _digest("gov_32_73", "reports_report")
    photos = _photo_bytes("gov_32_73")
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA gov_32_73 RENAME TO gov_32_73_rusak")
    restored = government_restore(archive_path=archive)
    assert (restored.schema, restored.registered) == ("gov_32_73", False)
    assert _digest("gov_32_73", "reports_report") == original
    assert _photo_bytes("gov_32_73") == photos
    bandung.refresh_from_db()
    assert bandung.is_ready
    with government_context(bandung):
        assert Report.objects.count() == 3
        assert ReportPhoto.objects.count() == 5


def test_a_database_without_the_government_gets_it_registered_and_served(archive: Path, bandung: Government) -> None:
    # Stand in for another installation: this one's Bandung moves out of the way.
    Government.objects.filter(pk=bandung.pk).update(code="32.99", slug="kota-bandung-lama")
    Domain.objects.filter(tenant=bandung).update(domain="kota-bandung-lama.localhost")
    restored = government_restore(archive_path=archive, as_schema="gov_32_73_baru")
    assert restored.registered
    government = Government.objects.get(code="32.73")
    assert (government.schema_name, government.slug, government.is_ready) == ("gov_32_73_baru", "kota-bandung", True)
    assert list(Domain.objects.filter(tenant=government).values_list("domain", "is_primary")) == [
        ("kota-bandung.localhost", True)
    ]
    with government_context(government):
        assert Report.objects.count() == 3
        assert {p.path.split("/")[1] for p in ReportPhoto.objects.all()} == {"gov_32_73_baru"}


def test_every_media_path_column_is_rewritten_on_restore(db: None) -> None:
    """A tenant column holding a media key (`<folder>/<schema>/...`) that the restore does not
    know would point into the original's files after a restore under a new name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
            "AND (column_name LIKE '%%path%%' OR column_name LIKE '%%file%%' OR column_name LIKE '%%media%%')",
            [settings.TENANT_BASE_SCHEMA],
        )
        found = {(table, column) for table, column in cursor.fetchall()}
    assert found == {(table, column) for table, columns in MEDIA_PATH_COLUMNS.items() for column in columns}


def test_a_load_that_fails_in_the_database_leaves_nothing(archive: Path) -> None:
    def duplicate_rows(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["tables"]["reports_report"]["rows"] += 1
        return json.dumps(manifest).encode()

    # The count no longer matches what loads: the whole load is rolled back, the media removed.
    _rewrite(archive, member="manifest.json", change=duplicate_rows)
    before = _state()
    with pytest.raises(BackupError, match=r"Tabel reports_report: 3 baris dimuat, arsip mencatat 4"):
        government_restore(archive_path=archive, as_schema=RESTORED)
    _nothing_written(*before)


@pytest.fixture
def fresh_database(db: None) -> Iterator[str]:
    """An empty database on the same server, dropped afterwards: another installation."""
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    server = make_conninfo(
        host=params["HOST"] or "",
        port=str(params["PORT"] or ""),
        user=params["USER"] or "",
        password=params["PASSWORD"] or "",
        dbname="postgres",
    )
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(server, dbname=name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _manage(database: str, var: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    params = psycopg.conninfo.conninfo_to_dict(database)
    host = str(params.get("host", ""))
    # A socket directory (the embedded server's) goes in the query, as DATABASE_URL allows.
    netloc_host, query = ("", "?" + urlencode({"host": host})) if host.startswith("/") else (host, "")
    user, password = params.get("user", ""), params.get("password", "")
    url = f"postgresql://{user}:{password}@{netloc_host}:{params['port']}/{params['dbname']}{query}"
    environment = os.environ | {"DATABASE_URL": url, "WARGA_VAR_DIR": str(var)}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_an_installation_without_the_government_gets_it_from_the_archive(
    archive: Path, fresh_database: str, tmp_path: Path
) -> None:
    """The commands as an operator runs them, in their own processes, against another database
    migrated to the same code (`migrate_fleet`) with no governments at all."""
    var = tmp_path / "elsewhere"
    migrated = _manage(fresh_database, var, "migrate_fleet")
    assert migrated.returncode == 0, migrated.stderr
    restored = _manage(fresh_database, var, "government_restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Dipulihkan ke skema gov_32_73 (terdaftar dan siap melayani)" in restored.stdout
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())  # type: ignore[union-attr]
    with psycopg.connect(fresh_database) as elsewhere:
        assert elsewhere.execute(
            "SELECT g.code, g.schema_name, g.is_ready, d.domain, d.is_primary FROM tenants_government g "
            "JOIN tenants_domain d ON d.tenant_id = g.id WHERE g.code IS NOT NULL"
        ).fetchall() == [("32.73", "gov_32_73", True, "kota-bandung.localhost", True)]
        for table in ("reports_report", "reports_event", "reports_photo"):
            rows = elsewhere.execute(sql.SQL("SELECT count(*) FROM gov_32_73.{}").format(sql.Identifier(table)))
            assert rows.fetchone() == (manifest["tables"][table]["rows"],)
        paths = elsewhere.execute("SELECT path FROM gov_32_73.reports_photo ORDER BY id").fetchall()
    # The same photo bytes, under the same keys, in the other installation's media.
    here, there = Path(settings.MEDIA_ROOT), var / "media"
    assert [(there / p).read_bytes() for (p,) in paths] == [(here / p).read_bytes() for (p,) in paths]

    again = _manage(fresh_database, var, "government_restore", str(archive))
    assert again.returncode == 1
    assert "Skema gov_32_73 sudah ada; tidak ada yang ditulis." in again.stderr


def test_replace_swaps_the_governments_schema_for_the_archive(
    archive: Path, bandung: Government, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WARGA_HOST_CACHE_SECONDS = 0
    backed_up = (_digest("gov_32_73", "reports_report"), _photo_bytes("gov_32_73"))
    # After the backup: a new report, and a report damaged by a mistaken update.
    submit(UserFactory(), photos=[_photo(7)])
    process_photos(bandung, django_capture_on_commit_callbacks)
    with government_context(bandung):
        Report.objects.filter(pk=Report.objects.order_by("id").first().pk).update(description="(terhapus)")
    damaged = _digest("gov_32_73", "reports_report")
    registry = (Government.objects.count(), Domain.objects.count())

    output = StringIO()
    call_command("government_restore", str(archive), "--replace", stdout=output)

    moved = next(name for name in _schemas() if name.startswith("gov_32_73_diganti_"))
    assert f"menggantikan yang lama, kini di skema {moved}" in output.getvalue()
    assert (_digest("gov_32_73", "reports_report"), _photo_bytes("gov_32_73")) == backed_up
    # The replaced data is kept aside for the operator; its photos stay where they were.
    assert _digest(moved, "reports_report") == damaged
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT path FROM "{moved}".reports_photo')
        kept = [row[0] for row in cursor.fetchall()]
    assert len(kept) == 6
    assert all((Path(settings.MEDIA_ROOT) / path).is_file() for path in kept)
    bandung.refresh_from_db()
    assert bandung.is_ready
    assert (Government.objects.count(), Domain.objects.count()) == registry


def test_a_replace_that_fails_leaves_the_government_as_it_was(
    archive: Path, bandung: Government, settings: Any
) -> None:
    settings.WARGA_HOST_CACHE_SECONDS = 0

    def wrong_count(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["tables"]["reports_event"]["rows"] += 1
        return json.dumps(manifest).encode()

    _rewrite(archive, member="manifest.json", change=wrong_count)
    before, reports = _state(), _digest("gov_32_73", "reports_report")
    with pytest.raises(CommandError, match="Tabel reports_event"):
        call_command("government_restore", str(archive), "--replace", stdout=StringIO())
    _nothing_written(*before)
    assert _digest("gov_32_73", "reports_report") == reports
    bandung.refresh_from_db()
    assert bandung.is_ready


@pytest.mark.parametrize(
    ("as_schema", "message"),
    [("gov_32_73_lain", "jangan dipakai dengan --as-schema")],
)
def test_replace_only_replaces_the_governments_own_schema(archive: Path, as_schema: str, message: str) -> None:
    before = _state()
    with pytest.raises(BackupError, match=message):
        government_restore(archive_path=archive, as_schema=as_schema, replace=True)
    _nothing_written(*before)


def test_the_national_government_is_named_by_its_slug(national: Government, tmp_path: Path) -> None:
    manifest = government_backup(code="nasional", output=tmp_path / "nasional.tar")
    assert (manifest["code"], manifest["schema"]) == (None, "nasional")
    before = _state()
    with pytest.raises(BackupError, match="Skema nasional sudah ada"):
        government_restore(archive_path=tmp_path / "nasional.tar")
    _nothing_written(*before)
    restored = government_restore(archive_path=tmp_path / "nasional.tar", as_schema="nasional_pulih")
    assert (restored.schema, restored.registered) == ("nasional_pulih", False)
    assert _table_counts("nasional_pulih") == _table_counts("nasional")


def test_the_template_is_never_backed_up(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Tidak ada pemerintah daerah dengan kode 'template'"):
        call_command("government_backup", "template", "--output", str(tmp_path / "t.tar"))
    assert not (tmp_path / "t.tar").exists()


def test_an_existing_archive_is_never_overwritten(archive: Path) -> None:
    kept = archive.read_bytes()
    with pytest.raises(CommandError, match="sudah ada; pilih --output lain"):
        call_command("government_backup", "32.73", "--output", str(archive))
    assert archive.read_bytes() == kept
    assert sorted(p.name for p in archive.parent.iterdir() if p.name.startswith(".bandung")) == []
