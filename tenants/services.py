"""Writes to the tenant registry: registering governments, building their schemas, readiness.

These are the low-level steps; `warga.onboarding` composes them with the region reference
data into `provision_regions`. Nothing here knows about product data.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.text import slugify
from django_tenants.utils import get_creation_fakes_migrations, quote_schema_name, schema_exists

from tenants import hosts
from tenants.catalog import relation_oids
from tenants.models import Domain, Government, Level, TimeZone

logger = logging.getLogger(__name__)

TEMPLATE_SLUG = "template"
NATIONAL_SLUG = "nasional"

# Province code -> time zone. Everything not listed is WIB.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def time_zone_for_code(code: str) -> TimeZone:
    """WIB/WITA/WIT from the province part of a Kemendagri code (Keppres 41/1987 zones)."""
    province = code[:2]
    if province in _WIT_PROVINCES:
        return TimeZone.WIT
    if province in _WITA_PROVINCES:
        return TimeZone.WITA
    return TimeZone.WIB


def schema_name_for_code(code: str) -> str:
    """`32.73` -> `gov_32_73`. Stable: schema names never follow renamed regions."""
    if not re.fullmatch(r"\d{2}(\.\d{2})?", code):
        raise ValueError(f"{code!r} is not a province (PP) or regency/city (PP.KK) code.")
    return "gov_" + code.replace(".", "_")


def slug_for_name(name: str) -> str:
    """The host label: `Kota Bandung` -> `kota-bandung`, `DKI Jakarta` -> `dki-jakarta`."""
    return slugify(name)[:63].strip("-")


def host_for_slug(slug: str) -> str:
    return f"{slug}.{settings.WARGA_BASE_DOMAIN}"


def origin_for_slug(slug: str) -> str:
    """`scheme://<slug>.<base domain>[:port]` for links written outside a request (a task's
    notification): the port is WARGA_LINK_PORT's, none when 0 (the scheme's standard port)."""
    scheme = "https" if settings.WARGA_HTTPS else "http"
    port = f":{settings.WARGA_LINK_PORT}" if settings.WARGA_LINK_PORT else ""
    return f"{scheme}://{host_for_slug(slug)}{port}"


@transaction.atomic
def government_register(
    *,
    code: str | None,
    name: str,
    level: Level,
    parent: Government | None = None,
    slug: str | None = None,
    schema_name: str | None = None,
) -> Government:
    """Create (or return the existing) registry row and primary domain; no schema yet.

    Idempotent on `code` (or `slug` for the codeless national and template rows).
    """
    lookup = {"code": code} if code else {"slug": slug}
    existing = Government.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    slug = slug or slug_for_name(name)
    government = Government.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        slug=slug,
        schema_name=schema_name or schema_name_for_code(code or ""),
        time_zone=time_zone_for_code(code) if code else TimeZone.WIB,
    )
    if level != Level.TEMPLATE:
        Domain.objects.create(domain=host_for_slug(slug), tenant=government, is_primary=True)
    return government


def government_build_schema(*, government: Government, verbosity: int = 0) -> None:
    """Give a government that is not ready a fresh schema cloned from the template.

    A schema left by a crashed earlier attempt is dropped first: a government that is not
    ready holds no one's data yet, so starting over is the safe way to resume.
    """
    if government.is_ready:
        raise ValueError(f"{government} is ready; its schema is never rebuilt.")
    if schema_exists(government.schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {quote_schema_name(government.schema_name)} CASCADE")
    template = settings.TENANT_BASE_SCHEMA
    if not (get_creation_fakes_migrations() and schema_exists(template) and _clone_structure(template, government)):
        government.create_schema(check_if_exists=False, verbosity=verbosity)
        return
    # The copy already holds the template's migration records. The `migrate_schemas --fake`
    # that follows django-tenants' clone adds nothing else to the schema (its post_migrate
    # handlers find the content types through public), so nothing more is needed here.


# django-tenants' clone_schema() reads information_schema with self-joins that scan every
# schema's catalog rows, so each clone gets slower as the fleet grows: 0.3 s per schema at 10
# tenants, 0.6 s at 100, 7.5 s at 547 (docs/performance.md). Our template holds plain tables,
# their constraints, indexes, identity sequences and triggers: copied below with catalog lookups
# by the template's relation oids, whose cost does not depend on how many tenants exist. The copy
# is compared with the template; anything it does not reproduce (views, functions of its own,
# serial sequences, grants ...) makes it step aside for django-tenants' clone.


def schema_fingerprint(cursor: CursorWrapper, schema: str) -> list[tuple[object, ...]]:
    """Every object of `schema` with its definition, schema names replaced by a placeholder."""
    cursor.execute(
        """
        WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s)
        SELECT 'relation'::text, c.relname::text, c.relkind::text, c.relowner::regrole::text,
               coalesce(c.relacl::text, ''), c.relpersistence::text
          FROM pg_class c WHERE c.oid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'column', c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull::text || a.attidentity::text || a.attgenerated::text,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''), coalesce(a.attcollation::regcollation::text, '')
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = ANY(%(relations)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT 'constraint', c.relname || '.' || k.conname, k.contype::text, pg_get_constraintdef(k.oid),
               k.convalidated::text, ''
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.conrelid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'index', ic.relname::text, '', pg_get_indexdef(i.indexrelid), '', ''
          FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'sequence', c.relname, s.seqtypid::regtype::text,
               concat_ws(',', s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle), '', ''
          FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE s.seqrelid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'sequence owner', c.relname, d.deptype::text, t.relname || '.' || a.attname, '', ''
          FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'
          JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'function', p.proname, '', '', '', '' FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)
        UNION ALL
        SELECT 'type', t.typname, t.typtype::text, '', '', '' FROM pg_type t
         WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typrelid = 0 AND t.typelem = 0
        UNION ALL
        SELECT 'trigger', g.tgname, '', '', '', '' FROM pg_trigger g
         WHERE g.tgrelid = ANY(%(relations)s::oid[]) AND NOT g.tgisinternal
        UNION ALL
        SELECT 'rule or policy', r.rulename, '', '', '', '' FROM pg_rewrite r WHERE r.ev_class = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'rule or policy', p.polname, '', '', '', '' FROM pg_policy p WHERE p.polrelid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'comment', c.relname, d.objsubid::text, d.description, '', '' FROM pg_description d
          JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
         WHERE d.objoid = ANY(%(relations)s::oid[])
        UNION ALL
        SELECT 'schema', n.nspname, n.nspowner::regrole::text, coalesce(n.nspacl::text, ''), '', ''
          FROM pg_namespace n WHERE n.oid = (SELECT oid FROM ns)
        """,
        {"schema": schema, "relations": relation_oids(cursor, schema)},
    )
    qualified = quote_schema_name(schema) + "."
    return sorted(
        tuple(
            (value.replace(qualified, "<schema>.").replace(schema, "<schema>") if isinstance(value, str) else value)
            for value in row
        )
        for row in cursor.fetchall()
    )


def _clone_structure(template: str, government: Government) -> bool:
    """Copy the template's tables into a new schema for `government`, in one transaction.

    Returns False (leaving nothing behind) when the copy would not be identical to the
    template; the caller then uses django-tenants' clone.
    """
    target = government.schema_name
    source_sql, target_sql = quote_schema_name(template), quote_schema_name(target)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            relations = relation_oids(cursor, template)
            # All statements are gathered first and sent as one batch: ~150 round trips less.
            statements = [f"CREATE SCHEMA {target_sql}"]
            cursor.execute(
                "SELECT relname FROM pg_class WHERE oid = ANY(%s::oid[]) AND relkind = 'r' ORDER BY relname",
                [relations],
            )
            for (table,) in cursor.fetchall():
                # Constraints and indexes are added by name below: LIKE ... INCLUDING INDEXES
                # would invent new index names, which later migrations could not find.
                statements.append(
                    f"CREATE TABLE {target_sql}.{quote_schema_name(table)} (LIKE {source_sql}.{quote_schema_name(table)} "
                    "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE "
                    "INCLUDING COMPRESSION INCLUDING COMMENTS INCLUDING STATISTICS)"
                )
            # LIKE ... INCLUDING IDENTITY makes every identity sequence bigint; keep the
            # template's type (integer for AutoField tables such as django_content_type).
            cursor.execute(
                "SELECT c.relname, s.seqtypid::regtype::text FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
                "WHERE s.seqrelid = ANY(%s::oid[])",
                [relations],
            )
            for sequence, data_type in cursor.fetchall():
                statements.append(f"ALTER SEQUENCE {target_sql}.{quote_schema_name(sequence)} AS {data_type}")
            cursor.execute(
                """SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), rn.nspname, r.relname
                     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                     LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
                    WHERE k.conrelid = ANY(%s::oid[]) AND k.contype IN ('p', 'u', 'x', 'c', 'f')
                    ORDER BY k.contype = 'f', c.relname, k.conname""",
                [relations],
            )
            for table, name, kind, definition, referenced_schema, referenced_table in cursor.fetchall():
                if kind == "f":
                    schema = target if referenced_schema == template else referenced_schema
                    referenced = f"{quote_schema_name(schema)}.{quote_schema_name(referenced_table)}"
                    definition = re.sub(r"REFERENCES .+?\(", f"REFERENCES {referenced}(", definition, count=1)
                statements.append(
                    f"ALTER TABLE {target_sql}.{quote_schema_name(table)} "
                    f"ADD CONSTRAINT {quote_schema_name(name)} {definition}"
                )
            cursor.execute(
                """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
                    WHERE i.indrelid = ANY(%s::oid[])
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                      WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)""",
                [relations],
            )
            definitions = [row[0] for row in cursor.fetchall()]
            # Triggers (routing's configuration version, decision 0061) call functions in public.
            cursor.execute(
                "SELECT pg_get_triggerdef(g.oid) FROM pg_trigger g WHERE g.tgrelid = ANY(%s::oid[]) AND NOT g.tgisinternal",
                [relations],
            )
            definitions += [row[0] for row in cursor.fetchall()]
            for definition in definitions:
                statement, replaced = re.subn(
                    rf" ON (ONLY )?(?:{re.escape(source_sql)}|{re.escape(template)})\.",
                    rf" ON \g<1>{target_sql}.",
                    definition,
                    count=1,
                )
                if not replaced:
                    raise _NotIdentical(f"index or trigger definition not understood: {definition}")
                statements.append(statement)
            cursor.execute(";\n".join(statements))
            if schema_fingerprint(cursor, target) != schema_fingerprint(cursor, template):
                raise _NotIdentical("the copy differs from the template")
            # The template's own records, not every migration on disk: a schema cloned from a
            # template that missed a migration shows it as pending, and migrate_fleet applies it.
            cursor.execute(
                f"INSERT INTO {target_sql}.django_migrations (app, name, applied) "
                f"SELECT app, name, now() FROM {source_sql}.django_migrations ORDER BY id"
            )
    except (_NotIdentical, DatabaseError) as reason:
        logger.warning("Cloning %s with django-tenants: %s.", target, reason)
        return False
    return True


class _NotIdentical(Exception):
    pass


def template_ensure(*, verbosity: int = 0) -> Government:
    """The hidden template tenant, migrated like any other; new schemas are cloned from it."""
    template = government_register(
        code=None,
        name="Templat skema pemerintah daerah",
        level=Level.TEMPLATE,
        slug=TEMPLATE_SLUG,
        schema_name=settings.TENANT_BASE_SCHEMA,
    )
    if not schema_exists(template.schema_name):
        # With no template to clone from, django-tenants creates and migrates the schema.
        template.create_schema(check_if_exists=True, verbosity=verbosity)
    if not template.is_ready:
        government_mark_ready(government=template)
    return template


def government_mark_ready(*, government: Government) -> None:
    Government.objects.filter(pk=government.pk).update(is_ready=True, ready_at=timezone.now())
    government.is_ready = True
    hosts.clear()


def government_mark_not_ready(*, government: Government) -> None:
    Government.objects.filter(pk=government.pk).update(is_ready=False, ready_at=None)
    government.is_ready = False
    hosts.clear()
