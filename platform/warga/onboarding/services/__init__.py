"""Provisioning governments from the region reference data.

Each government is registered, given a schema cloned from the template, seeded with its
territory's units, and only then marked ready. Every step is idempotent, so a run that
crashed is resumed by running it again.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tenants import services as tenant_services
from tenants.context import government_context
from tenants.models import Government, Level
from tenants.scope import any_scope, public_scoped
from tenants.selectors import government_national, governments_serving
from warga.errors import Conflict, Invalid
from warga.organization.errors import OrganizationInvalid, OrganizationNotFound
from warga.organization.services import admin_koordinator_invite, territory_seed
from warga.regions.models import Province, Regency, RegencyKind
from warga.routing.services import routing_seed_defaults
from warga.triage.services import offers_queue_for
from warga.workcalendar.services import workcalendar_seed_defaults

# The kota/kabupaten administrasi of Jakarta are not autonomous (UU 2/2024 on DKJ, formerly
# UU 29/2007): they are units inside the province's government, never tenants of their own.
PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES = frozenset({"31"})

_ABBREVIATIONS = (
    ("Daerah Khusus Ibukota ", "DKI "),
    ("Daerah Khusus ", "DK "),
    ("Daerah Istimewa ", "DI "),
)

DEMO_CODES = ("31", "32", "32.73")
# What the operator types for the national government, which has no Kemendagri code.
NATIONAL_CODE = "NAS"


class ProvisioningError(Invalid):
    """A code that cannot become a government; says which and why."""


@dataclass(frozen=True)
class PlannedGovernment:
    code: str | None
    name: str
    level: Level
    slug: str
    parent_code: str | None


@dataclass(frozen=True)
class ProvisionOutcome:
    government: Government
    created: bool
    seconds: float
    units: int


def _short(name: str) -> str:
    for long, short in _ABBREVIATIONS:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def _plan_province(province: Province) -> PlannedGovernment:
    short = _short(province.name)
    return PlannedGovernment(
        code=province.code,
        name=f"Provinsi {short}",
        level=Level.PROVINCE,
        slug=tenant_services.slug_for_name(short),
        parent_code=None,
    )


def _plan_regency(regency: Regency) -> PlannedGovernment:
    return PlannedGovernment(
        code=regency.code,
        name=regency.name,
        level=Level.CITY if regency.kind == RegencyKind.KOTA else Level.REGENCY,
        slug=tenant_services.slug_for_name(regency.name),
        parent_code=regency.province_id,
    )


@public_scoped
def plan_national() -> PlannedGovernment:
    return PlannedGovernment(
        code=None,
        name="Pemerintah Pusat (Nasional)",
        level=Level.NATIONAL,
        slug=tenant_services.NATIONAL_SLUG,
        parent_code=None,
    )


@public_scoped
def plan_for_codes(*, codes: Iterable[str]) -> list[PlannedGovernment]:
    """Validate codes against the reference data; provinces are planned before regencies.
    Two queries whatever the number of codes (`--all` plans ~550)."""
    wanted = [code.strip() for code in codes]
    known_provinces = Province.objects.in_bulk([code for code in wanted if "." not in code])
    known_regencies = Regency.objects.in_bulk([code for code in wanted if "." in code])
    provinces: dict[str, PlannedGovernment] = {}
    regencies: dict[str, PlannedGovernment] = {}
    for code in wanted:
        if "." not in code:
            province = known_provinces.get(code)
            if province is None:
                raise ProvisioningError(f"{code!r} is not a province code in the imported region data.")
            provinces[code] = _plan_province(province)
            continue
        regency = known_regencies.get(code)
        if regency is None:
            raise ProvisioningError(f"{code!r} is not a regency/city code in the imported region data.")
        if regency.province_id in PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES:
            raise ProvisioningError(
                f"{regency.name} ({code}) is an administrative area of province {regency.province_id}, "
                "not an autonomous government: provision the province instead."
            )
        regencies[code] = _plan_regency(regency)
    return sorted(provinces.values(), key=lambda p: p.code or "") + sorted(
        regencies.values(), key=lambda p: p.code or ""
    )


@public_scoped
def plan_for_province(*, province_code: str, with_regencies: bool = True) -> list[PlannedGovernment]:
    codes = [province_code]
    if with_regencies and province_code not in PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES:
        codes += list(Regency.objects.filter(province_id=province_code).values_list("code", flat=True))
    return plan_for_codes(codes=codes)


@public_scoped
def plan_all() -> list[PlannedGovernment]:
    codes = list(Province.objects.values_list("code", flat=True))
    codes += list(
        Regency.objects.exclude(province_id__in=PROVINCES_WITHOUT_AUTONOMOUS_REGENCIES).values_list("code", flat=True)
    )
    return plan_for_codes(codes=codes)


def _register(planned: PlannedGovernment) -> Government:
    parent = Government.objects.filter(code=planned.parent_code).first() if planned.parent_code else None
    slug = planned.slug
    if Government.objects.filter(slug=slug).exclude(code=planned.code).exists() and parent is not None:
        slug = f"{slug}-{parent.slug}"[:63]
    schema_name = None if planned.code else tenant_services.NATIONAL_SLUG
    government = tenant_services.government_register(
        code=planned.code,
        name=planned.name,
        level=planned.level,
        parent=parent,
        slug=slug,
        schema_name=schema_name,
    )
    if parent is not None and government.parent_id is None:
        Government.objects.filter(pk=government.pk).update(parent=parent)
    return government


def _no_progress(step: str) -> None:
    pass


@public_scoped
def government_provision(
    *, planned: PlannedGovernment, progress: Callable[[str], None] = _no_progress
) -> ProvisionOutcome:
    """Register, build, seed and open one government; a ready one is left untouched.

    `progress` is told each step as it starts: `schema`, `territory`, `open`.
    """
    started = time.perf_counter()
    government = _register(planned)
    if government.is_ready:
        return ProvisionOutcome(government=government, created=False, seconds=time.perf_counter() - started, units=0)
    progress("schema")
    tenant_services.government_build_schema(government=government)
    progress("territory")
    with government_context(government), transaction.atomic():
        counts = territory_seed(government=government)
        workcalendar_seed_defaults()
        routing_seed_defaults()
    progress("open")
    tenant_services.government_mark_ready(government=government)
    # Outside the provisioning transaction, in a task: the national triage desk offers the new
    # government the reports from its territory that waited there for it.
    offers_queue_for(government=government)
    return ProvisionOutcome(
        government=government, created=True, seconds=time.perf_counter() - started, units=sum(counts.values())
    )


# --- the first official ------------------------------------------------------------------------


class FirstAdminRefused(Conflict):
    """Why the operator's invitation of a first admin koordinator cannot be sent; a sentence
    the operator can act on, in Bahasa Indonesia then English."""


@dataclass(frozen=True)
class FirstAdminInvitation:
    government: Government
    email: str
    link_origin: str
    expires_at: datetime.datetime
    resent: bool


@any_scope
def government_origin(*, government: Government, port: int | None = None) -> str:
    """`scheme://<government host>[:port]`: where the government's officials open Warga."""
    domain = government.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    if domain is None:
        raise FirstAdminRefused(f"{government.name} belum punya alamat (domain). (The government has no host yet.)")
    scheme = "https" if settings.WARGA_HTTPS else "http"
    return f"{scheme}://{domain}" + (f":{port}" if port else "")


@public_scoped
def first_admin_invite(
    *, code: str, email: str, port: int | None = None, operator_id: uuid.UUID | None = None
) -> FirstAdminInvitation:
    """Invite the first admin koordinator of the government with Kemendagri `code` (NAS: the
    national government), by the organisation's own invitation flow
    (`warga.organization.services.admin_koordinator_invite`): the email carries a link to the
    government's host, where the invitee signs in or signs up, accepts, and sets up TOTP.

    Raises FirstAdminRefused for an unknown code, a government not ready yet, or a bad
    address; nothing is written then.
    """
    code = (code or "").strip().upper()
    government = government_national() if code == NATIONAL_CODE else governments_serving().filter(code=code).first()
    if government is None:
        raise FirstAdminRefused(
            f"Tidak ada pemerintah dengan kode '{code}' di Warga ini. Periksa kodenya (mis. 32.73 untuk Kota "
            f"Bandung, 31 untuk DKI Jakarta, NAS untuk pemerintah pusat) atau jalankan provision_regions {code} dulu. "
            f"(No government with code '{code}'.)"
        )
    if not government.is_ready:
        raise FirstAdminRefused(
            f"{government.name} belum siap (skemanya belum selesai dibuat): jalankan provision_regions {code} "
            "lagi, lalu ulangi. (The government is not ready yet.)"
        )
    link_origin = government_origin(government=government, port=port)
    try:
        with government_context(government):
            invitation, resent = admin_koordinator_invite(email=email, link_origin=link_origin, acting_user=operator_id)
    except (OrganizationInvalid, OrganizationNotFound) as error:
        raise FirstAdminRefused(error.message) from error
    return FirstAdminInvitation(
        government=government,
        email=invitation.email,
        link_origin=link_origin,
        expires_at=invitation.expires_at,
        resent=resent,
    )
