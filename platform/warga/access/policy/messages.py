"""Every refusal of the policy in words, Bahasa Indonesia first: what the person reads on the
page or in the API's error body."""

from __future__ import annotations

from typing import Literal

from warga.access.officials import MESSAGES as OFFICIAL_MESSAGES
from warga.access.policy.grants import Action
from warga.seats import PositionKind

__all__ = [
    "KEY_NOT_ACCEPTED_MESSAGE",
    "KEY_OTHER_GOVERNMENT_MESSAGE",
    "KEY_SCOPE_MESSAGE",
    "OFFICIAL_MESSAGES",
    "OUTSIDE_UNIT_MESSAGE",
    "READ_ONLY_MESSAGE",
    "ROLE_MESSAGES",
    "Reason",
    "identity_reveal_message",
]

Reason = Literal[
    "premium",
    "anonymous",
    "not_official",
    "mfa_missing",
    "mfa_not_passed",
    "position_not_allowed",
    "read_only",
    "outside_unit",
    "other_government",
    "scope_missing",
    "key_not_accepted",
]

KEY_OTHER_GOVERNMENT_MESSAGE = (
    "Kunci API ini milik {name} dan hanya berlaku di alamat pemerintah itu. "
    "(This API key belongs to {name} and works on that government's address only.)"
)
KEY_SCOPE_MESSAGE = "Kunci API ini tidak memiliki hak akses {scope}. (This API key lacks the {scope} scope.)"
KEY_NOT_ACCEPTED_MESSAGE = (
    "Layanan ini tidak dapat dipakai dengan kunci API; masuk sebagai pengguna. "
    "(This operation does not accept API keys; sign in instead.)"
)

ROLE_MESSAGES: dict[Action, str] = {
    Action.REPORT_VIEW: "Jabatan Anda tidak dapat melihat laporan di sini. (Your position cannot view reports here.)",
    Action.REPORT_ACT: ("Jabatan Anda tidak dapat menindaklanjuti laporan. (Your position cannot act on reports.)"),
    Action.INBOX_VIEW: "Jabatan Anda tidak memiliki kotak masuk laporan. (Your position has no report inbox.)",
    Action.INBOX_EXPORT: (
        "Hanya kepala unit dan admin yang dapat mengunduh daftar laporan. "
        "(Only heads of units and admins can download the report list.)"
    ),
    Action.ORGANIZATION_VIEW: (
        "Jabatan Anda tidak dapat melihat susunan organisasi. (Your position cannot view the organisation.)"
    ),
    Action.ORGANIZATION_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah unit dan jabatan. "
        "(Only this government's admin koordinator can change units and positions.)"
    ),
    Action.MEMBERSHIP_INVITE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengundang petugas. "
        "(Only this government's admin koordinator can invite officials.)"
    ),
    Action.MEMBERSHIP_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengakhiri atau mengubah masa jabatan. "
        "(Only this government's admin koordinator can end or change memberships.)"
    ),
    Action.RULES_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah aturan penerusan. "
        "(Only this government's admin koordinator can change the routing rules.)"
    ),
    Action.CALENDAR_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah kalender kerja. "
        "(Only this government's admin koordinator can change the working calendar.)"
    ),
    Action.SETTINGS_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah pengaturan privasi dan tampilan. "
        "(Only this government's admin koordinator can change its privacy and branding settings.)"
    ),
    Action.AUDIT_VIEW: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuka log audit. "
        "(Only this government's admin koordinator can open the audit log.)"
    ),
    Action.TRIAGE_ACT: (
        "Hanya pengawas nasional dan admin koordinator pemerintah pusat yang menangani meja triase. "
        "(Only national overseers and the national admin koordinator work the triage desk.)"
    ),
    Action.NATIONAL_EXPORT: (
        "Hanya pimpinan pemerintah, pengawas nasional dan admin koordinator yang dapat mengunduh seluruh data laporan. "
        "(Only the government's leadership, national overseers and the admin koordinator can download all report data.)"
    ),
    Action.OFFER_DECIDE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat menerima atau menolak tawaran meja triase. "
        "(Only this government's admin koordinator can accept or decline the triage desk's offers.)"
    ),
    Action.API_KEYS_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuat atau mencabut kunci API. "
        "(Only this government's admin koordinator can create or revoke API keys.)"
    ),
    Action.WEBHOOKS_MANAGE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengelola webhook. "
        "(Only this government's admin koordinator can manage webhooks.)"
    ),
    Action.API_KEYS_CREATE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuat atau mencabut kunci API. "
        "(Only this government's admin koordinator can create or revoke API keys.)"
    ),
    Action.BRANDING_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah pengaturan privasi dan tampilan. "
        "(Only this government's admin koordinator can change its privacy and branding settings.)"
    ),
    Action.BILLING_MANAGE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengatur langganan dan tagihan. "
        "(Only this government's admin koordinator can manage the subscription and billing.)"
    ),
    Action.REPORT_SUBMIT: "Jabatan Anda tidak mengirim laporan lewat API. (Your position does not file reports.)",
}
READ_ONLY_MESSAGE = (
    "Jabatan pimpinan hanya dapat melihat, tidak menindaklanjuti atau mengubah. (Leadership positions are read-only.)"
)
OUTSIDE_UNIT_MESSAGE = "Tindakan ini di luar wilayah tugas unit Anda. (This is outside your unit's responsibility.)"


def identity_reveal_message(designated_kind: str) -> str:
    label = PositionKind(designated_kind).label
    return (
        f"Hanya {label} yang boleh melihat identitas pelapor laporan rahasia. "
        f"(Only the {label} may see who sent a confidential report.)"
    )
