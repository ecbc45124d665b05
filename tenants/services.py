"""Writes to the tenant registry: registering governments, building their schemas, readiness.

These are the low-level steps; `warga.onboarding` composes them with the region reference
data into `provision_regions`. Nothing here knows about product data.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tenants.utils import quote_schema_name, schema_exists

from tenants import hosts
from tenants.models import Domain, Government, Level, TimeZone

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
    government.create_schema(check_if_exists=False, verbosity=verbosity)


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
