"""Response templates: the government's ready-made replies, with placeholders, that its
officials pick from when they answer in a report's thread."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.reports.errors import FieldError, ReportInvalid, ReportNotFound
from warga.reports.models import ResponseTemplate
from warga.reports.services.conversation import COMMENT_MAX_LENGTH
from warga.taxonomy.selectors import category_get

TEMPLATE_TITLE_MAX = 120
TEMPLATE_BODY_MAX = COMMENT_MAX_LENGTH
TEMPLATE_PLACEHOLDERS = ("nomor", "unit", "tanggal")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _template_errors(*, title: str, body: str, category_code: str) -> dict[str, list[FieldError]]:
    errors: dict[str, list[FieldError]] = {}
    if not title:
        errors["title"] = [FieldError("required", "Tulis judul templat.")]
    elif len(title) > TEMPLATE_TITLE_MAX:
        errors["title"] = [FieldError("too_long", f"Judul paling panjang {TEMPLATE_TITLE_MAX} karakter.")]
    if not body:
        errors["body"] = [FieldError("required", "Tulis isi templat.")]
    elif len(body) > TEMPLATE_BODY_MAX:
        errors["body"] = [FieldError("too_long", f"Isi templat paling panjang {TEMPLATE_BODY_MAX} karakter.")]
    else:
        unknown = sorted({name for name in _PLACEHOLDER.findall(body) if name not in TEMPLATE_PLACEHOLDERS})
        if unknown:
            errors["body"] = [
                FieldError(
                    "unknown_placeholder",
                    f"Isian {', '.join('{' + n + '}' for n in unknown)} tidak dikenal. Yang tersedia: "
                    + ", ".join("{" + n + "}" for n in TEMPLATE_PLACEHOLDERS)
                    + ".",
                )
            ]
    if category_code and category_get(code=category_code) is None:
        errors["category_code"] = [
            FieldError("unknown_category", f"Kategori '{category_code}' tidak ada dalam taksonomi nasional.")
        ]
    return errors


@tenant_scoped
def response_template_save(
    *, acting_user: User, title: str, body: str, category_code: str = "", template_id: int | None = None
) -> ResponseTemplate:
    """Create (or, with `template_id`, change) a response template of the current government.

    The admin koordinator's (`organization.edit` in warga.access.policy). The body may use the
    placeholders `{nomor}`, `{unit}` and `{tanggal}`; any other `{...}` is refused by name.
    Raises ActionForbidden, ReportInvalid (missing or too long title/body, unknown placeholder
    or category) or ReportNotFound (no such template here); nothing is written then.
    """
    policy_require(actor=acting_user, government=tenant_connection().tenant, action=Action.ORGANIZATION_EDIT)
    title, body, category_code = " ".join(title.split()), body.strip(), category_code.strip()
    errors = _template_errors(title=title, body=body, category_code=category_code)
    if errors:
        raise ReportInvalid(errors)
    now = timezone.now()
    with transaction.atomic():
        if template_id is None:
            return ResponseTemplate.objects.create(
                title=title,
                body=body,
                category_code=category_code,
                created_by_id=acting_user.pk,
                updated_by_id=acting_user.pk,
                created_at=now,
                updated_at=now,
            )
        template = ResponseTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise ReportNotFound("Templat balasan itu tidak ada di pemerintah daerah ini.")
        template.title, template.body, template.category_code = title, body, category_code
        template.updated_by_id, template.updated_at = acting_user.pk, now
        template.save()
        return template


@tenant_scoped
def response_template_archive(*, acting_user: User, template_id: int) -> ResponseTemplate:
    """Stop offering a response template (kept for the record). `organization.edit`."""
    policy_require(actor=acting_user, government=tenant_connection().tenant, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        template = ResponseTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise ReportNotFound("Templat balasan itu tidak ada di pemerintah daerah ini.")
        template.is_active = False
        template.updated_by_id, template.updated_at = acting_user.pk, timezone.now()
        template.save(update_fields=["is_active", "updated_by_id", "updated_at"])
    return template
