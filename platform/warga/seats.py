"""What a seat is: the kinds of position (jabatan) and a seat someone holds today.

Below both the organisation, which records positions and who holds them, and the policy
(`warga.access.policy`), whose grants are written per kind of seat; neither imports the
other for it (decision 0131). `warga.organization.models` stores `PositionKind` in
`Position.kind`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class PositionKind(models.TextChoices):
    """Jabatan. The head of a region's government depends on its level; the rest are the same
    everywhere. What each may see and do is decided from these in one place
    (`warga.access.policy`), never per region in code."""

    GUBERNUR = "gubernur", "Gubernur"
    BUPATI = "bupati", "Bupati"
    WALIKOTA = "walikota", "Wali Kota"
    WALIKOTA_ADMINISTRASI = "walikota_administrasi", "Wali Kota Administrasi"
    CAMAT = "camat", "Camat"
    LURAH = "lurah", "Lurah"
    KEPALA_DESA = "kepala_desa", "Kepala Desa"
    KEPALA_DINAS = "kepala_dinas", "Kepala Dinas / Badan"
    ADMIN_KOORDINATOR = "admin_koordinator", "Admin Koordinator"
    ADMIN_PENGHUBUNG = "admin_penghubung", "Admin Penghubung"
    PETUGAS_LAPANGAN = "petugas_lapangan", "Petugas Lapangan"
    PIMPINAN = "pimpinan", "Pimpinan (hanya baca)"
    PENGAWAS_NASIONAL = "pengawas_nasional", "Pengawas Nasional"


@dataclass(frozen=True)
class Seat:
    """A position someone holds today: what it is and where it sits."""

    kind: str
    unit_id: int
