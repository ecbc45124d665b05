from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warga.onboarding.services import FirstAdminRefused, first_admin_invite


class Command(BaseCommand):
    help = (
        "Invite a government's first admin koordinator by email (the invitation flow officials use; TOTP is set "
        "up on acceptance). CODE is the Kemendagri code (32.73, 31) or NAS for the national government."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Kemendagri code of the government, e.g. 32.73 (Kota Bandung), or NAS.")
        parser.add_argument("email", help="The address the invitation goes to.")
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="Port of the government host in the emailed link (e.g. 8000 for the development server).",
        )

    def handle(self, *args: Any, code: str, email: str, port: int | None, **options: Any) -> None:
        self.stdout.write(f"Mencari pemerintah {code} ... (looking up the government)")
        try:
            sent = first_admin_invite(code=code, email=email, port=port)
        except FirstAdminRefused as error:
            raise CommandError(str(error)) from error
        verb = "dikirim ulang (resent, the earlier link no longer works)" if sent.resent else "dikirim (sent)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Undangan admin koordinator {sent.government.name} untuk {sent.email} {verb}; berlaku sampai "
                f"{sent.expires_at:%Y-%m-%d %H:%M} UTC."
            )
        )
        self.stdout.write(
            f"Langkah berikutnya (next): buka tautan di email itu, masuk atau daftar dengan {sent.email}, terima "
            f"undangan, pasang verifikasi dua langkah (TOTP), lalu buka {sent.link_origin}/kantor/."
        )
