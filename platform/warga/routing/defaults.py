"""The defaults every government starts with (DOMAIN.md's category -> handler table).

They are data written into the government's schema at provisioning and edited there
afterwards (a region that merges PUPR into Bina Marga renames or re-points its own rows);
nothing here is consulted again once a government has its rules.
"""

from __future__ import annotations

from typing import Any

from warga.routing.models import Target

# Agency name -> the national category codes it handles by default. Agencies with no
# category (BPBD) are there to be named in rules and escalations.
DEFAULT_AGENCIES: dict[str, tuple[str, ...]] = {
    "Dinas Pekerjaan Umum dan Penataan Ruang": ("jalan_rusak", "banjir", "saluran_tersumbat"),
    "Dinas Lingkungan Hidup": ("sampah", "pencemaran"),
    "Satuan Polisi Pamong Praja": ("pkl_ketertiban", "bangunan_liar"),
    "Dinas Perhubungan": ("parkir_liar", "lalu_lintas", "angkutan_umum", "lampu_jalan"),
    "Dinas Pertamanan": ("pohon_tumbang", "taman"),
    "Dinas Kesehatan": ("kesehatan",),
    "Dinas Kependudukan dan Pencatatan Sipil": ("adminduk",),
    "Dinas Sosial": ("sosial",),
    "Dinas Pendidikan": ("pendidikan",),
    "Badan Penanggulangan Bencana Daerah": (),
}

# Everyone who must know about a report handled by an agency: the village's head and the
# district's camat are always informed, the head of government and the agency's head too.
AGENCY_NOTIFY: tuple[str, ...] = (Target.VILLAGE_HEAD, Target.CAMAT, Target.HEAD_OF_GOVERNMENT, Target.HANDLING_HEAD)
# LAPOR!: the agency follows up within 5 working days; then the coordinator, then the head.
AGENCY_ESCALATION: list[dict[str, Any]] = [
    {"target": Target.HANDLING_HEAD.value, "working_days": 5},
    {"target": Target.ADMIN_KOORDINATOR.value, "working_days": 2},
    {"target": Target.HEAD_OF_GOVERNMENT.value, "working_days": 2},
]
# Anything no agency rule takes (external forwards, "lainnya") is the coordinator's to
# verify and dispose within 3 working days.
FALLBACK_NOTIFY: tuple[str, ...] = (Target.VILLAGE_HEAD, Target.CAMAT, Target.ADMIN_KOORDINATOR)
FALLBACK_ESCALATION: list[dict[str, Any]] = [
    {"target": Target.ADMIN_KOORDINATOR.value, "working_days": 3},
    {"target": Target.HEAD_OF_GOVERNMENT.value, "working_days": 2},
]
