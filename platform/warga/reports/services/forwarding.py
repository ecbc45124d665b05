"""Forwarding a report to an external organisation (PLN, PDAM, Telkom) by email or webhook,
and recording its answer; the report stays with its handling unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.organization.models import Unit, UnitKind
from warga.reports.errors import FieldError, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import ExternalForward, Privacy, Report
from warga.reports.services._common import NOTE_MAX_LENGTH, _require_may_act
from warga.reports.services.audit import report_audit_write
from warga.webhooks.services import webhook_for_unit, webhook_forward_record


@tenant_scoped
def report_forward_external(
    *, acting_user: User, tracking_number: str, unit_id: int, contact_email: str, note: str
) -> ExternalForward:
    """Forward an open report of the current government to an external organisation (a unit of
    kind `external`: PLN, PDAM, Telkom) at `contact_email`, or through the organisation's
    webhook when it has one (warga.webhooks; the address may then be left empty), saying what
    is asked of it.

    The report stays open with its handling unit; the forward is recorded on the trail, and
    the email and the webhook delivery leave after the commit, with the tracking number,
    category, place and (unless the report is `rahasia`) the description, never the
    reporter. `report.act` for the report's handling unit. Raises ReportNotFound,
    ActionForbidden, ReportInvalid (not open, not an external organisation, bad or missing
    address, no note); nothing is written or sent then.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat meneruskan laporan.")
    address = contact_email.strip().lower()
    note = note.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(acting_user, report)
        errors: dict[str, list[FieldError]] = {}
        if report.status not in OPEN_STATUSES or report.status == Status.TRANSFERRED:
            errors["report"] = [FieldError("not_open", "Hanya laporan yang masih ditangani yang dapat diteruskan.")]
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or unit.kind != UnitKind.EXTERNAL:
            errors["unit_id"] = [
                FieldError(
                    "not_external",
                    "Pilih organisasi eksternal (PLN, PDAM, ...) yang terdaftar sebagai unit eksternal pemerintah ini.",
                )
            ]
        webhook = webhook_for_unit(unit_id=unit.pk) if unit is not None and unit.kind == UnitKind.EXTERNAL else None
        if address or webhook is None:
            try:
                validate_email(address)
            except ValidationError:
                errors["contact_email"] = [
                    FieldError(
                        "invalid_email",
                        "Alamat email organisasi tidak valid."
                        if address
                        else "Isi alamat email organisasi: organisasi ini tidak memiliki webhook yang aktif.",
                    )
                ]
        if not note:
            errors["note"] = [FieldError("note_required", "Tuliskan apa yang diminta dari organisasi itu.")]
        elif len(note) > NOTE_MAX_LENGTH:
            errors["note"] = [FieldError("too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter.")]
        if errors:
            raise ReportInvalid(errors)
        assert unit is not None
        now = timezone.now()
        forward = ExternalForward.objects.create(
            report=report, unit=unit, contact_email=address, note=note, sent_by_id=acting_user.pk, sent_at=now
        )
        report_audit_write(
            report=report,
            acting_user_id=acting_user.pk,
            note=f"Diteruskan ke {unit.name} ({address or 'webhook'}): {note}",
            at=now,
        )
        if webhook is not None:
            webhook_forward_record(
                unit_id=unit.pk,
                data={
                    "tracking_number": report.tracking_number,
                    "forward_id": forward.pk,
                    "organisation": unit.name,
                    "category_code": report.category_code,
                    "latitude": report.latitude,
                    "longitude": report.longitude,
                    "village_code": report.village_code,
                    "description": None if report.privacy == Privacy.RAHASIA else report.description,
                    "request": note,
                },
                at=now,
            )
        if not address:
            return forward
        government = tenant_connection().tenant
        body = (
            f"{government.name} meneruskan laporan warga {report.tracking_number} kepada {unit.name}.\n\n"
            f"Kategori: {report.category_code}\nLokasi: {report.latitude:.6f}, {report.longitude:.6f} "
            f"(kode wilayah {report.village_code})\n"
            + ("" if report.privacy == Privacy.RAHASIA else f"Uraian warga: {report.description}\n")
            + f"\nPermintaan: {note}\n\nMohon balas email ini dengan tindak lanjut Anda, menyebut nomor "
            f"{report.tracking_number}.\n"
        )
        subject = f"[Warga] Laporan {report.tracking_number} diteruskan oleh {government.name}"
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]), robust=True)
    return forward


@tenant_scoped
def report_forward_answer(*, acting_user: User, forward_id: int, answer: str) -> ExternalForward:
    """Record the external organisation's answer to a forward of a report of the current
    government (`report.act` for the report's handling unit), on the trail too. Raises
    ReportNotFound, ActionForbidden, ReportInvalid (empty or too long); nothing written then."""
    answer = answer.strip()
    with transaction.atomic():
        forward = ExternalForward.objects.select_for_update().select_related("unit").filter(pk=forward_id).first()
        if forward is None:
            raise ReportNotFound("Penerusan itu tidak ada di pemerintah daerah ini.")
        report = Report.objects.select_for_update().get(pk=forward.report_id)
        _require_may_act(acting_user, report)
        if not answer:
            raise ReportInvalid.single("answer", "required", "Tuliskan jawaban organisasi itu.")
        if len(answer) > NOTE_MAX_LENGTH:
            raise ReportInvalid.single("answer", "too_long", f"Jawaban paling panjang {NOTE_MAX_LENGTH} karakter.")
        now = timezone.now()
        forward.answer, forward.answered_by_id, forward.answered_at = answer, acting_user.pk, now
        forward.save(update_fields=["answer", "answered_by_id", "answered_at"])
        report_audit_write(
            report=report,
            acting_user_id=acting_user.pk,
            note=f"Jawaban {forward.unit.name}: {answer}",
            at=now,
        )
    return forward
