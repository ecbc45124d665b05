"""One government's backup: its schema's rows and its media files in one tar archive, and the
restore of such an archive beside the original (a new schema) or into a database where the
government does not exist yet (docs/decisions/0051-government-backups-by-copy.md).

The archive holds `manifest.json` (the government, its schema, the migrations applied per app,
every table's columns and row count, the sequences' positions, the sha256 of every other
member), `data/<table>.copy.gz` (each table in PostgreSQL's COPY text format, read in one
repeatable-read snapshot) and `media/<path>` (the files under the government's prefix).

A restore builds the target schema from this installation's own template (so the tables are
those of the code that runs) and refuses, before writing anything, an archive whose checksums
do not match, whose migration state differs from the code's, or whose target schema exists.
The rows are loaded in one transaction: a failure leaves no schema, no registry row and
removes the media files it had written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg import sql

from tenants import services as tenant_services
from tenants.fleet import expected_tenant_migrations, tenant_app_labels
from tenants.models import Domain, Government, Level
from warga.errors import Conflict

FORMAT = 1
MANIFEST = "manifest.json"
_CHUNK = 1024 * 1024
# Columns holding media paths, which start `<folder>/<schema>/`: rewritten to the new schema's
# prefix when an archive is restored under another name (the files are written there too).
MEDIA_PATH_COLUMNS: dict[str, tuple[str, ...]] = {"reports_photo": ("path", "thumbnail_path")}
# Tables the restore fills itself: the template's copy brings the migration records, and the
# routing configuration's triggers give the version a new value as the rows are loaded.
_NOT_LOADED = frozenset({"django_migrations", "routing_configuration_version"})
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

Progress = Callable[[str], None]


class BackupError(Conflict):
    """Why a backup or restore was refused, in words an operator can act on; nothing was written."""

    code = "backup_refused"


@dataclass(frozen=True)
class Restored:
    schema: str
    registered: bool
    rows: int
    media_files: int
    moved_to: str = ""


def _quiet(message: str) -> None:
    pass


def _identifier(*names: str) -> str:
    return sql.SQL(".").join(sql.Identifier(name) for name in names).as_string(connection.connection)


# --- Backup ------------------------------------------------------------------------------------


def _tables(cursor: Any, schema: str) -> dict[str, list[str]]:
    cursor.execute(
        """SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)
              AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            GROUP BY c.relname ORDER BY c.relname""",
        [schema],
    )
    return {name: list(columns) for name, columns in cursor.fetchall()}


def _sequences(cursor: Any, schema: str) -> dict[str, dict[str, Any]]:
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY sequencename", [schema]
    )
    return {name: {"last_value": value} for name, value in cursor.fetchall()}


def _migrations(cursor: Any, schema: str) -> dict[str, list[str]]:
    cursor.execute(f"SELECT app, name FROM {_identifier(schema, 'django_migrations')} ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _media_names(schema: str) -> Iterator[str]:
    """Every file under `<folder>/<schema>/` of the default storage, for each top folder."""
    if not default_storage.exists(""):
        return

    def walk(folder: str) -> Iterator[str]:
        folders, files = default_storage.listdir(folder)
        for name in sorted(files):
            yield f"{folder}/{name}"
        for name in sorted(folders):
            yield from walk(f"{folder}/{name}")

    for top in sorted(default_storage.listdir("")[0]):
        if default_storage.exists(f"{top}/{schema}"):
            yield from walk(f"{top}/{schema}")


class _Hashing(io.RawIOBase):
    def __init__(self, source: IO[bytes]) -> None:
        self._source, self.sha256 = source, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> str:
    member = tarfile.TarInfo(name)
    member.size, member.mtime, member.mode = size, int(timezone.now().timestamp()), 0o600
    hashing = _Hashing(source)
    archive.addfile(member, hashing)
    return hashing.sha256.hexdigest()


def government_backup(*, code: str, output: Path, progress: Progress = _quiet) -> dict[str, Any]:
    """Write one government's schema and media to the tar archive `output`; return its manifest.

    The rows come from one repeatable-read snapshot; the archive is written beside `output`
    and renamed into place only when complete, so a failed run leaves no partial archive.
    """
    # The national government has no code: it is named by its slug (`nasional`).
    government = Government.objects.filter(Q(code=code) | Q(code=None, slug=code)).exclude(level=Level.TEMPLATE).first()
    if government is None:
        raise BackupError(f"Tidak ada pemerintah daerah dengan kode {code!r} di basis data ini.")
    schema = government.schema_name
    output = output.resolve()
    if not output.parent.is_dir():
        raise BackupError(f"Folder {output.parent} tidak ada; buat dulu atau pilih --output lain.")
    if output.exists():
        # An older backup is never overwritten by mistake.
        raise BackupError(f"Berkas {output} sudah ada; pilih --output lain.")
    workspace = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        manifest = _backup_into(government=government, schema=schema, workspace=workspace, progress=progress)
        os.replace(workspace / "archive.tar", output)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return manifest


def _backup_into(*, government: Government, schema: str, workspace: Path, progress: Progress) -> dict[str, Any]:
    checksums: dict[str, str] = {}
    tables: dict[str, dict[str, Any]] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            # Every table is read in the same snapshot (inside a caller's transaction, in its own).
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT current_setting('server_version_num')::int")
        server_version = cursor.fetchone()[0]
        columns_by_table = _tables(cursor, schema)
        if not columns_by_table:
            raise BackupError(f"Skema {schema} tidak ada atau kosong; pemerintah ini belum siap dicadangkan.")
        migrations = _migrations(cursor, schema)
        sequences = _sequences(cursor, schema)
        referenced: set[str] = set()
        for table, path_columns in MEDIA_PATH_COLUMNS.items():
            if table in columns_by_table:
                for column in path_columns:
                    cursor.execute(
                        f"SELECT {_identifier(column)} FROM {_identifier(schema, table)} WHERE {_identifier(column)} <> ''"
                    )
                    referenced.update(row[0] for row in cursor.fetchall())
        data = workspace / "data"
        data.mkdir()
        for number, (table, columns) in enumerate(columns_by_table.items(), start=1):
            cursor.execute(f"SELECT count(*) FROM {_identifier(schema, table)}")
            rows = cursor.fetchone()[0]
            member = f"data/{table}.copy.gz"
            column_list = ", ".join(_identifier(column) for column in columns)
            with (
                gzip.open(workspace / member, "wb", compresslevel=6) as out,
                cursor.cursor.copy(f"COPY {_identifier(schema, table)} ({column_list}) TO STDOUT") as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            tables[table] = {"rows": rows, "columns": columns, "member": member}
            if rows:
                progress(f"  [{number}/{len(columns_by_table)}] {table}: {rows} baris")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "code": government.code,
        "schema": schema,
        "created_at": timezone.now().isoformat(),
        "server_version_num": server_version,
        "government": {
            "name": government.name,
            "slug": government.slug,
            "level": government.level,
            "parent_code": government.parent.code if government.parent else None,
            "time_zone": government.time_zone,
            "domains": [
                {"domain": domain, "is_primary": primary}
                for domain, primary in Domain.objects.filter(tenant=government)
                .order_by("-is_primary", "domain")
                .values_list("domain", "is_primary")
            ],
        },
        "migrations": migrations,
        "tables": tables,
        "sequences": sequences,
    }
    with tarfile.open(workspace / "archive.tar", "w", format=tarfile.PAX_FORMAT) as archive:
        for entry in tables.values():
            path = workspace / entry["member"]
            with path.open("rb") as source:
                checksums[entry["member"]] = _add(archive, entry["member"], source, path.stat().st_size)
        files, total, present = 0, 0, set()
        for name in _media_names(schema):
            with default_storage.open(name, "rb") as source:
                size = default_storage.size(name)
                checksums[f"media/{name}"] = _add(archive, f"media/{name}", source, size)
            present.add(name)
            files, total = files + 1, total + size
            if files % 500 == 0:
                progress(f"  media: {files} berkas, {total // 1024 // 1024} MB")
        manifest["media"] = {"files": files, "bytes": total, "missing": sorted(referenced - present)}
        manifest["checksums"] = checksums
        encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
        _add(archive, MANIFEST, io.BytesIO(encoded), len(encoded))
    progress(f"  media: {files} berkas, {total // 1024 // 1024} MB")
    return manifest


# --- Restore -----------------------------------------------------------------------------------


def _open(path: Path) -> tuple[tarfile.TarFile, dict[str, Any]]:
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 -- returned open, closed by the caller
        member = archive.getmember(MANIFEST)
        extracted = archive.extractfile(member)
        assert extracted is not None
        manifest = json.loads(extracted.read())
    except FileNotFoundError:
        raise BackupError(f"Berkas {path} tidak ada.") from None
    except (tarfile.TarError, KeyError, AssertionError, ValueError, OSError) as error:
        raise BackupError(f"{path} bukan arsip cadangan Warga yang utuh ({error.__class__.__name__}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: format arsip {manifest.get('format')!r} tidak dikenal (yang dikenal: {FORMAT}).")
    return archive, manifest


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any], progress: Progress) -> None:
    """Every member present, listed and matching its checksum; the tables' members listed."""
    checksums: dict[str, str] = manifest.get("checksums") or {}
    names = {member.name for member in archive.getmembers() if member.isfile()} - {MANIFEST}
    if names != set(checksums):
        unlisted, absent = sorted(names - set(checksums)), sorted(set(checksums) - names)
        raise BackupError(
            "Arsip rusak: isinya tidak sama dengan daftarnya"
            + (f"; tidak terdaftar: {', '.join(unlisted[:5])}" if unlisted else "")
            + (f"; hilang: {', '.join(absent[:5])}" if absent else "")
            + "."
        )
    for table in manifest["tables"].values():
        if table["member"] not in checksums:
            raise BackupError(f"Arsip rusak: data tabel {table['member']} hilang.")
    for number, name in enumerate(sorted(checksums), start=1):
        digest = hashlib.sha256()
        extracted = archive.extractfile(name)
        assert extracted is not None
        while chunk := extracted.read(_CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != checksums[name]:
            raise BackupError(f"Arsip rusak: checksum {name} tidak cocok (sha256 {digest.hexdigest()[:12]}...).")
        if number % 500 == 0:
            progress(f"  diperiksa {number}/{len(checksums)} berkas")


def _migration_mismatch(manifest: dict[str, Any]) -> str:
    labels = tenant_app_labels()
    archived = {(app, name) for app, names in manifest["migrations"].items() if app in labels for name in names}
    expected = expected_tenant_migrations()
    unknown, missing = sorted(archived - expected), sorted(expected - archived)
    if not (unknown or missing):
        return ""
    parts = []
    if unknown:
        parts.append("migrasi di arsip yang tidak dikenal kode ini: " + ", ".join(f"{a}.{n}" for a, n in unknown[:10]))
    if missing:
        parts.append("migrasi kode ini yang belum ada di arsip: " + ", ".join(f"{a}.{n}" for a, n in missing[:10]))
    return "; ".join(parts)


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _target_media(name: str, source: str, target: str) -> str:
    """`<folder>/<source schema>/<rest>` as stored under the target schema's prefix."""
    top, schema, rest = name.split("/", 2)
    if schema != source:
        raise BackupError(f"Arsip rusak: berkas media {name} tidak berada di bawah skema {source}.")
    return f"{top}/{target}/{rest}"


@dataclass(frozen=True)
class _Plan:
    schema: str
    government: Government | None  # the registry row to mark ready (restore in place)
    register: bool  # a database without the government: create its registry rows
    # --replace: the government's schema is renamed to this in the restore's transaction.
    moved_to: str = ""


def _plan(manifest: dict[str, Any], as_schema: str | None, *, replace: bool = False) -> _Plan:
    code = manifest["code"]
    described = manifest["government"]
    lookup = Q(code=code) if code else Q(code=None, slug=described["slug"], level=described["level"])
    existing = Government.objects.filter(lookup).exclude(level=Level.TEMPLATE).first()
    if replace:
        return _plan_replace(existing, as_schema)
    target = as_schema or (existing.schema_name if existing else manifest["schema"])
    if not _SCHEMA_NAME.fullmatch(target) or target.startswith("pg_") or target in {"public", "information_schema"}:
        raise BackupError(
            f"Nama skema {target!r} tidak sah: pakai huruf kecil, angka dan garis bawah (maks. 63), tidak diawali pg_."
        )
    if target == settings.TENANT_BASE_SCHEMA:
        raise BackupError(f"Skema {target} adalah templat; pilih nama lain dengan --as-schema.")
    if _schema_exists(target):
        hint = " Pulihkan di samping aslinya dengan --as-schema NAMA_BARU." if existing else ""
        raise BackupError(f"Skema {target} sudah ada; tidak ada yang ditulis.{hint}")
    owner = Government.objects.filter(schema_name=target).first()
    if existing is not None:
        if owner is not None and owner.pk != existing.pk:
            raise BackupError(f"Skema {target} terdaftar untuk {owner.name}; pilih nama lain dengan --as-schema.")
        # The government's own schema is gone: this is the recovery (the swap, deploy/README.md).
        return _Plan(schema=target, government=existing if target == existing.schema_name else None, register=False)
    if owner is not None:
        raise BackupError(f"Skema {target} terdaftar untuk {owner.name}; pilih nama lain dengan --as-schema.")
    slug = manifest["government"]["slug"]
    domains = [entry["domain"] for entry in manifest["government"]["domains"]]
    if Government.objects.filter(slug=slug).exists() or Domain.objects.filter(domain__in=domains).exists():
        raise BackupError(f"Slug {slug} atau domain {', '.join(domains)} sudah dipakai pemerintah lain di sini.")
    return _Plan(schema=target, government=None, register=True)


def _plan_replace(existing: Government | None, as_schema: str | None) -> _Plan:
    if existing is None:
        raise BackupError("--replace mengganti pemerintah yang ada di sini, tetapi kode arsip tidak terdaftar.")
    if as_schema is not None:
        raise BackupError("--replace memulihkan ke skema pemerintah itu sendiri; jangan dipakai dengan --as-schema.")
    schema = existing.schema_name
    if not _schema_exists(schema):
        raise BackupError(f"Skema {schema} tidak ada; pulihkan tanpa --replace.")
    moved_to = f"{schema}_diganti_{timezone.now():%Y%m%d%H%M%S}"[:63]
    if _schema_exists(moved_to):
        raise BackupError(f"Skema {moved_to} sudah ada; coba lagi sedetik kemudian.")
    return _Plan(schema=schema, government=existing, register=False, moved_to=moved_to)


def government_restore(
    *,
    archive_path: Path,
    as_schema: str | None = None,
    replace: bool = False,
    wait_seconds: float = 0,
    progress: Progress = _quiet,
) -> Restored:
    """Restore an archive made by `government_backup`.

    - The government exists here and `as_schema` names a new schema: its copy is restored
      there beside it, for inspection; no registry row, so it serves no one.
    - The government exists but its schema does not (renamed away by the operator): restored
      into its own schema and marked ready, which is the swap of a recovery.
    - The government does not exist here: restored and registered with its domains, ready.
    - `replace`: the government is taken out of service, `wait_seconds` pass (every web
      process's host cache forgets it), then in one transaction its schema is renamed to
      `<schema>_diganti_<time>` and the archive restored under its name; it is ready again
      after the commit, or as before when anything fails.

    Refused, with nothing written: a corrupt archive, a migration state other than this
    code's, a target schema that exists.
    """
    archive, manifest = _open(archive_path)
    with archive:
        progress(f"Memeriksa arsip {archive_path.name} ({manifest['code']}, skema {manifest['schema']})...")
        _verify(archive, manifest, progress)
        mismatch = _migration_mismatch(manifest)
        if mismatch:
            raise BackupError(
                f"Keadaan migrasi arsip tidak sama dengan kode ini ({mismatch}). Pulihkan dengan versi Warga "
                "yang membuat arsip, atau migrasikan dulu ke versi yang sama."
            )
        plan = _plan(manifest, as_schema, replace=replace)
        media = {
            name: _target_media(name.removeprefix("media/"), manifest["schema"], plan.schema)
            for name in manifest["checksums"]
            if name.startswith("media/")
        }
        to_write = {}
        for member, target in media.items():
            if default_storage.exists(target):
                with default_storage.open(target, "rb") as present:
                    if hashlib.sha256(present.read()).hexdigest() != manifest["checksums"][member]:
                        raise BackupError(f"Berkas media {target} sudah ada dengan isi lain; tidak ada yang ditulis.")
            else:
                to_write[member] = target
        written: list[str] = []
        was_ready = plan.government is not None and plan.government.is_ready
        try:
            if plan.moved_to and plan.government is not None:
                tenant_services.government_mark_not_ready(government=plan.government)
                progress(f"{plan.government.name} tidak melayani sementara; menunggu {wait_seconds:.0f} s...")
                time.sleep(wait_seconds)
            for number, (member, target) in enumerate(sorted(to_write.items()), start=1):
                extracted = archive.extractfile(member)
                assert extracted is not None
                saved = default_storage.save(target, File(extracted))
                written.append(saved)
                if saved != target:
                    raise BackupError(f"Berkas media {target} muncul saat pemulihan; dibatalkan.")
                if number % 500 == 0:
                    progress(f"  media: {number}/{len(to_write)} berkas ditulis")
            try:
                rows = _load(archive, manifest, plan, progress)
            except DatabaseError as error:
                # Rolled back: no schema, no registry row. Said in words, not as a traceback.
                first_line = str(error).splitlines()[0] if str(error) else error.__class__.__name__
                raise BackupError(f"Pemulihan dibatalkan, tidak ada yang ditulis: {first_line}") from error
        except BaseException:
            for name in written:
                default_storage.delete(name)
            if plan.moved_to and plan.government is not None and was_ready:
                tenant_services.government_mark_ready(government=plan.government)
            raise
    return Restored(
        schema=plan.schema, registered=plan.register, rows=rows, media_files=len(media), moved_to=plan.moved_to
    )


def _load(archive: tarfile.TarFile, manifest: dict[str, Any], plan: _Plan, progress: Progress) -> int:
    source, target = manifest["schema"], plan.schema
    total = 0
    with transaction.atomic():
        if plan.moved_to:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER SCHEMA {_identifier(target)} RENAME TO {_identifier(plan.moved_to)}")
            progress(f"Skema {target} dipindahkan ke {plan.moved_to}.")
        progress(f"Membuat skema {target} dari templat...")
        tenant_services.government_build_schema(
            government=Government(schema_name=target, slug=target, name=target, level=manifest["government"]["level"])
        )
        with connection.cursor() as cursor:
            present = _tables(cursor, target)
            archived = {table: entry["columns"] for table, entry in manifest["tables"].items()}
            if {t: sorted(c) for t, c in present.items()} != {t: sorted(c) for t, c in archived.items()}:
                differing = sorted(set(present) ^ set(archived)) or sorted(
                    t for t in present if sorted(present[t]) != sorted(archived[t])
                )
                raise BackupError(
                    "Tabel skema baru tidak sama dengan arsip ("
                    + ", ".join(differing[:5])
                    + "); tidak ada yang ditulis."
                )
            tables = [t for t in manifest["tables"] if t not in _NOT_LOADED]
            for number, table in enumerate(tables, start=1):
                entry = manifest["tables"][table]
                if not entry["rows"]:
                    continue
                column_list = ", ".join(_identifier(column) for column in entry["columns"])
                extracted = archive.extractfile(entry["member"])
                assert extracted is not None
                with (
                    gzip.open(extracted, "rb") as data,
                    cursor.cursor.copy(f"COPY {_identifier(target, table)} ({column_list}) FROM STDIN") as copy,
                ):
                    while chunk := data.read(_CHUNK):
                        copy.write(chunk)
                cursor.execute(f"SELECT count(*) FROM {_identifier(target, table)}")
                loaded = cursor.fetchone()[0]
                if loaded != entry["rows"]:
                    raise BackupError(f"Tabel {table}: {loaded} baris dimuat, arsip mencatat {entry['rows']}.")
                total += loaded
                progress(f"  [{number}/{len(tables)}] {table}: {loaded} baris")
            for sequence, entry in manifest["sequences"].items():
                if entry["last_value"] is not None:
                    cursor.execute(
                        "SELECT setval(%s::regclass, %s, true)", [_identifier(target, sequence), entry["last_value"]]
                    )
            if target != source:
                for table, columns in MEDIA_PATH_COLUMNS.items():
                    for column in columns:
                        # Only the schema segment of the key changes; the rest is kept as stored.
                        quoted = _identifier(column)
                        cursor.execute(
                            f"UPDATE {_identifier(target, table)} SET {quoted} = split_part({quoted}, '/', 1) "
                            f"|| '/' || %s || substr({quoted}, length(split_part({quoted}, '/', 1)) + length(%s) + 2) "
                            f"WHERE split_part({quoted}, '/', 2) = %s",
                            [target, source, source],
                        )
        if plan.register:
            _register(manifest, target)
        elif plan.government is not None:
            tenant_services.government_mark_ready(government=plan.government)
    return total


def _register(manifest: dict[str, Any], schema: str) -> None:
    described = manifest["government"]
    parent_code = described["parent_code"]
    government = Government.objects.create(
        code=manifest["code"],
        name=described["name"],
        slug=described["slug"],
        level=described["level"],
        parent=Government.objects.filter(code=parent_code).first() if parent_code else None,
        time_zone=described["time_zone"],
        schema_name=schema,
    )
    for entry in described["domains"]:
        Domain.objects.create(domain=entry["domain"], tenant=government, is_primary=entry["is_primary"])
    tenant_services.government_mark_ready(government=government)
