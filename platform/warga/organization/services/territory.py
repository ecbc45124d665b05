"""The territory seed: the unit tree of a government's territory and its default seats."""

from __future__ import annotations

from django.db import connection, transaction

from tenants.models import Government, Level
from tenants.scope import tenant_scoped_to
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.organization.selectors import unit_counts_by_kind

_UNIT = Unit._meta.db_table
_POSITION = Position._meta.db_table

HEAD_OF_GOVERNMENT = {
    Level.PROVINCE: PositionKind.GUBERNUR,
    Level.REGENCY: PositionKind.BUPATI,
    Level.CITY: PositionKind.WALIKOTA,
    Level.NATIONAL: PositionKind.PENGAWAS_NASIONAL,
}
# The head seat of each territorial unit kind, and how its title is written.
_HEAD_OF_UNIT = {
    UnitKind.KECAMATAN: (PositionKind.CAMAT, "Camat "),
    UnitKind.KELURAHAN: (PositionKind.LURAH, "Lurah "),
    UnitKind.DESA: (PositionKind.KEPALA_DESA, "Kepala Desa "),
}


@tenant_scoped_to("government")
@transaction.atomic
def territory_seed(*, government: Government) -> dict[str, int]:
    """Create the unit tree of the government's territory in its (current) schema.

    government -> [areas: a province's regencies/cities] -> kecamatan -> kelurahan/desa.
    Idempotent: units already present (by region code) are left as they are. Returns how
    many units of each kind exist afterwards.
    """
    root, _ = Unit.objects.get_or_create(
        kind=UnitKind.GOVERNMENT, defaults={"name": government.name, "region_code": government.code or ""}
    )
    code = government.code
    if code and government.level in (Level.PROVINCE, Level.REGENCY, Level.CITY):
        with connection.cursor() as cursor:
            if government.level == Level.PROVINCE:
                cursor.execute(
                    f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                        SELECT %s, %s, r.name, r.code, now() FROM public.regions_regency r
                        WHERE r.province_id = %s
                        ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                    [root.pk, UnitKind.AREA, code],
                )
                district_parent = f"(SELECT id FROM {_UNIT} p WHERE p.region_code = d.regency_id)"
            else:
                district_parent = "%s"
            cursor.execute(
                f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                    SELECT {district_parent}, %s, d.name, d.code, now() FROM public.regions_district d
                    WHERE d.code LIKE %s
                    ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                ([] if government.level == Level.PROVINCE else [root.pk]) + [UnitKind.KECAMATAN, f"{code}.%"],
            )
            cursor.execute(
                f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                    SELECT k.id, v.kind, v.name, v.code, now()
                    FROM public.regions_village v JOIN {_UNIT} k ON k.region_code = v.district_id
                    WHERE v.code LIKE %s
                    ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                [f"{code}.%"],
            )
    _positions_seed(government=government, root=root)
    return unit_counts_by_kind()


def _positions_seed(*, government: Government, root: Unit) -> None:
    """The default seats: the head of government and an admin koordinator at the root, and the
    head of every kecamatan and kelurahan/desa. Seats already present are left alone."""
    head = HEAD_OF_GOVERNMENT.get(Level(government.level))
    root_seats = [(PositionKind.ADMIN_KOORDINATOR, f"Admin Koordinator {government.name}")]
    if head is not None:
        root_seats.insert(0, (head, f"{PositionKind(head).label} {government.name.removeprefix('Provinsi ')}"))
    for kind, title in root_seats:
        Position.objects.get_or_create(unit=root, kind=kind, defaults={"title": title})
    with connection.cursor() as cursor:
        for unit_kind, (position_kind, prefix) in _HEAD_OF_UNIT.items():
            cursor.execute(
                f"""INSERT INTO {_POSITION} (unit_id, kind, title, created_at)
                    SELECT u.id, %s, %s || u.name, now() FROM {_UNIT} u
                    WHERE u.kind = %s
                      AND NOT EXISTS (SELECT 1 FROM {_POSITION} p WHERE p.unit_id = u.id AND p.kind = %s)""",
                [position_kind, prefix, unit_kind, position_kind],
            )
