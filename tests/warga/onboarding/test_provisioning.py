"""Provisioning a government from the reference data: clone, seed, open; idempotent and resumable.

Each test runs in a rolled-back transaction; PostgreSQL DDL is transactional, so the schemas
built here vanish with it. Kota Sabang (11.72: 3 kecamatan, 18 kelurahan/desa) keeps it fast.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists

from tenants import services as tenant_services
from tenants.context import government_context
from tenants.fleet import pending_by_schema
from tenants.models import Domain, Government, Level, TimeZone
from warga.onboarding.services import ProvisioningError, government_provision, plan_for_codes, plan_national
from warga.organization.models import Unit, UnitKind
from warga.organization.selectors import unit_counts_by_kind
from warga.regions.models import District, Regency, Village, VillageKind
from warga.routing.defaults import DEFAULT_AGENCIES

SABANG = "11.72"


def _tables(schema: str) -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
               WHERE table_schema = %s ORDER BY table_name, column_name""",
            [schema],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _reference_counts(code: str) -> dict[str, int]:
    """Units a government of `code` must hold by kind, counted from the reference tables."""
    villages = Village.objects.filter(code__startswith=f"{code}.")
    counts = {
        "government": 1,
        "kecamatan": District.objects.filter(code__startswith=f"{code}.").count(),
        "kelurahan": villages.filter(kind=VillageKind.KELURAHAN).count(),
        "desa": villages.filter(kind=VillageKind.DESA).count(),
        # The default dinas/badan/Satpol PP (warga.routing.defaults), seeded at provisioning.
        "agency": len(DEFAULT_AGENCIES),
    }
    return {kind: total for kind, total in counts.items() if total}


def test_provision_regions_clones_the_template_seeds_the_territory_and_opens_the_government(db: None) -> None:
    out = StringIO()
    call_command("provision_regions", SABANG, verbosity=2, stdout=out)

    government = Government.objects.get(code=SABANG)
    assert (government.name, government.slug, government.level) == ("Kota Sabang", "kota-sabang", Level.CITY)
    assert government.schema_name == "gov_11_72"
    assert government.time_zone == TimeZone.WIB
    assert government.is_ready is True
    assert government.ready_at is not None
    assert list(Domain.objects.filter(tenant=government).values_list("domain", "is_primary")) == [
        ("kota-sabang.localhost", True)
    ]
    # Same tables and columns as the template, and its migration history with them.
    assert _tables("gov_11_72") == _tables("tenant_template")
    assert "gov_11_72" not in pending_by_schema()

    with government_context(government):
        assert (
            unit_counts_by_kind()
            == _reference_counts(SABANG)
            == {
                "government": 1,
                "kecamatan": 3,
                "desa": 18,
                "agency": 10,
            }
        )
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        assert (root.name, root.region_code, root.parent_id) == ("Kota Sabang", SABANG, None)
        assert set(Unit.objects.filter(kind=UnitKind.KECAMATAN).values_list("parent_id", flat=True)) == {root.pk}
        for village in Unit.objects.filter(kind=UnitKind.DESA).select_related("parent"):
            assert village.parent is not None
            assert village.parent.kind == UnitKind.KECAMATAN
            assert village.region_code.startswith(village.parent.region_code + ".")

    report = out.getvalue()
    assert "2 governments: 1 created, 1 already ready.\n" in report
    assert re.search(r"Per government: median \d+ ms, max \d+ ms \(Kota Sabang\), total \d+\.\d s\.\n", report)
    assert re.search(r"^ +11\.72 kota-sabang +22 units +\d+ ms$", report, re.MULTILINE)

    again = StringIO()
    call_command("provision_regions", SABANG, verbosity=1, stdout=again)
    assert again.getvalue() == "2 governments: 0 created, 2 already ready.\n"
    with government_context(government):
        assert Unit.objects.count() == 22 + 10


def test_kabupaten_bandung_gets_its_kecamatan_kelurahan_and_desa(db: None) -> None:
    (planned,) = plan_for_codes(codes=["32.04"])
    outcome = government_provision(planned=planned)

    assert outcome.created is True
    assert outcome.units == 1 + 31 + 10 + 270
    government = Government.objects.get(code="32.04")
    assert (government.slug, government.level, government.is_ready) == ("kabupaten-bandung", Level.REGENCY, True)
    assert Domain.objects.get(tenant=government).domain == "kabupaten-bandung.localhost"
    with government_context(government):
        assert (
            unit_counts_by_kind()
            == _reference_counts("32.04")
            == {
                "government": 1,
                "kecamatan": 31,
                "kelurahan": 10,
                "desa": 270,
                "agency": 10,
            }
        )
        assert Unit.objects.get(region_code="32.04.06.1002").name == "Cibeunying"


def test_provisioning_a_ready_government_again_changes_nothing(bandung: Government) -> None:
    ready_at = bandung.ready_at
    with government_context(bandung):
        units = Unit.objects.count()
    (planned,) = plan_for_codes(codes=["32.73"])

    outcome = government_provision(planned=planned)

    assert (outcome.created, outcome.units, outcome.government.pk) == (False, 0, bandung.pk)
    assert Government.objects.get(pk=bandung.pk).ready_at == ready_at
    with government_context(bandung):
        assert Unit.objects.count() == units == 182 + 10


def test_a_crashed_provisioning_is_resumed_by_running_it_again(db: None) -> None:
    """The crash: registered and schema built, then the process died before seeding."""
    (planned,) = plan_for_codes(codes=[SABANG])
    government = tenant_services.government_register(
        code=planned.code, name=planned.name, level=planned.level, slug=planned.slug
    )
    tenant_services.government_build_schema(government=government)
    with government_context(government):
        # Half a seed: one stray unit, no territory.
        Unit.objects.create(kind=UnitKind.AGENCY, name="Sisa percobaan yang gagal")
        # The crashed run committed its writes; inside this test's transaction, checking the
        # deferred foreign keys now stands in for that commit (PostgreSQL refuses to drop a
        # table with constraint checks still queued).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Government.objects.get(pk=government.pk).is_ready is False

    outcome = government_provision(planned=planned)

    assert outcome.created is True
    assert outcome.government.pk == government.pk
    government.refresh_from_db()
    assert government.is_ready is True
    assert Domain.objects.filter(tenant=government).count() == 1
    with government_context(government):
        # Started over from a fresh clone: the full seed, nothing left from the crashed run.
        assert unit_counts_by_kind() == _reference_counts(SABANG)
        assert not Unit.objects.filter(kind=UnitKind.AGENCY, name="Sisa percobaan yang gagal").exists()


def test_a_registered_government_without_a_schema_is_finished_too(db: None) -> None:
    (planned,) = plan_for_codes(codes=[SABANG])
    government = tenant_services.government_register(
        code=planned.code, name=planned.name, level=planned.level, slug=planned.slug
    )
    assert not schema_exists(government.schema_name)

    government_provision(planned=planned)

    government.refresh_from_db()
    assert government.is_ready is True
    with government_context(government):
        assert unit_counts_by_kind() == _reference_counts(SABANG)


def test_a_ready_government_schema_is_never_rebuilt(bandung: Government) -> None:
    with pytest.raises(ValueError, match=r"is ready; its schema is never rebuilt"):
        tenant_services.government_build_schema(government=bandung)


@pytest.mark.parametrize("code", ["31.71", "31.01"])
def test_jakarta_administrative_areas_are_refused_as_tenants(db: None, code: str) -> None:
    regency = Regency.objects.get(code=code)
    expected = (
        f"{regency.name} ({code}) is an administrative area of province 31, not an autonomous government: "
        "provision the province instead."
    )
    with pytest.raises(ProvisioningError) as raised:
        plan_for_codes(codes=[code])
    assert str(raised.value) == expected

    with pytest.raises(CommandError) as command_error:
        call_command("provision_regions", code, verbosity=0)
    assert str(command_error.value) == expected
    assert not Government.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99", "'99' is not a province code in the imported region data."),
        ("32.99", "'32.99' is not a regency/city code in the imported region data."),
        ("32.73.01", "'32.73.01' is not a regency/city code in the imported region data."),
    ],
)
def test_unknown_codes_are_refused(db: None, code: str, message: str) -> None:
    governments = Government.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("provision_regions", code, verbosity=0)
    assert str(raised.value) == message
    assert Government.objects.count() == governments


def test_the_command_refuses_to_run_before_the_regions_are_imported(db: None) -> None:
    from warga.regions.models import Dataset

    Dataset.objects.all().delete()
    with pytest.raises(CommandError, match=r"No region data imported yet: run `manage.py import_regions` first\."):
        call_command("provision_regions", SABANG, verbosity=0)
    assert not Government.objects.filter(code=SABANG).exists()


def test_names_and_slugs(db: None) -> None:
    plans = {p.code: p for p in plan_for_codes(codes=["31", "34", "32.73", "32.04"])}
    assert {code: (p.name, p.slug, p.level) for code, p in plans.items()} == {
        "31": ("Provinsi DKI Jakarta", "dki-jakarta", Level.PROVINCE),
        "34": ("Provinsi DI Yogyakarta", "di-yogyakarta", Level.PROVINCE),
        "32.73": ("Kota Bandung", "kota-bandung", Level.CITY),
        "32.04": ("Kabupaten Bandung", "kabupaten-bandung", Level.REGENCY),
    }
    # Provinces are planned before regencies, so a regency's parent exists when it is registered.
    assert [p.code for p in plan_for_codes(codes=["32.73", "32"])] == ["32", "32.73"]
    national = plan_national()
    assert (national.code, national.slug, national.level) == (None, "nasional", Level.NATIONAL)
    assert Government.objects.get(level=Level.NATIONAL).schema_name == "nasional"


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("11", TimeZone.WIB),
        ("32", TimeZone.WIB),
        ("32.73", TimeZone.WIB),
        ("61", TimeZone.WIB),
        ("62", TimeZone.WIB),
        ("51", TimeZone.WITA),
        ("51.71", TimeZone.WITA),
        ("64", TimeZone.WITA),
        ("76", TimeZone.WITA),
        ("81", TimeZone.WIT),
        ("94", TimeZone.WIT),
        ("96.71", TimeZone.WIT),
    ],
)
def test_time_zone_by_province(code: str, zone: TimeZone) -> None:
    assert tenant_services.time_zone_for_code(code) == zone


def test_every_province_has_a_time_zone_and_the_split_matches_keppres_41_1987(db: None) -> None:
    from warga.regions.models import Province

    zones = [tenant_services.time_zone_for_code(code) for code in Province.objects.values_list("code", flat=True)]
    assert (zones.count(TimeZone.WIB), zones.count(TimeZone.WITA), zones.count(TimeZone.WIT)) == (18, 12, 8)


def test_a_registered_government_carries_its_time_zone(db: None) -> None:
    bali = tenant_services.government_register(code="51", name="Provinsi Bali", level=Level.PROVINCE)
    papua_tengah = tenant_services.government_register(code="94", name="Provinsi Papua Tengah", level=Level.PROVINCE)
    assert (bali.time_zone, papua_tengah.time_zone) == (TimeZone.WITA, TimeZone.WIT)


def test_a_province_tenant_holds_its_regencies_as_areas(jakarta: Government) -> None:
    regencies = dict(Regency.objects.filter(province_id="31").values_list("code", "name"))
    assert len(regencies) == 6
    with government_context(jakarta):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        areas = Unit.objects.filter(kind=UnitKind.AREA)
        assert dict(areas.values_list("region_code", "name")) == regencies
        assert set(areas.values_list("parent_id", flat=True)) == {root.pk}
        # Every kecamatan hangs under the area of its own kota/kabupaten administrasi.
        for kecamatan in Unit.objects.filter(kind=UnitKind.KECAMATAN).select_related("parent"):
            assert kecamatan.parent is not None
            assert kecamatan.parent.kind == UnitKind.AREA
            assert kecamatan.region_code[:5] == kecamatan.parent.region_code
        assert unit_counts_by_kind() == _reference_counts("31") | {"area": 6}


def test_a_province_tenant_is_the_parent_of_its_regencies_provisioned_later(db: None) -> None:
    (province,) = plan_for_codes(codes=["11"])
    tenant_services.government_register(
        code=province.code, name=province.name, level=province.level, slug=province.slug
    )
    (city,) = plan_for_codes(codes=[SABANG])
    government_provision(planned=city)
    assert Government.objects.get(code=SABANG).parent == Government.objects.get(code="11")
