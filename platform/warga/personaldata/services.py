"""Data-subject requests: export everything Warga holds about a person, or delete the account.

Both go through the registry (warga.personaldata.registry): public contributors once, tenant
contributors in every ready government's schema.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.selectors import governments_ready
from warga.accounts.models import User
from warga.personaldata.models import DataRequest, DataRequestKind
from warga.personaldata.registry import contributors

EXPORT_FILENAME = "data-pribadi.json"


def subject_digest(user_id: uuid.UUID) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def _log(*, user_id: uuid.UUID, kind: str) -> DataRequest:
    return DataRequest.objects.create(
        user_id=user_id, subject_digest=subject_digest(user_id), kind=kind, requested_at=timezone.now()
    )


def personal_data_collect(*, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything registered contributors hold about `user_id`, public then per government."""
    public = {c.name: c.personal_data_for(user_id) for c in contributors(scope="public")}
    governments: dict[str, Any] = {}
    tenant_contributors = contributors(scope="tenant")
    for government in governments_ready().order_by("code"):
        with government_context(government):
            sections = {c.name: c.personal_data_for(user_id) for c in tenant_contributors}
        sections = {name: data for name, data in sections.items() if any(data.values())}
        if sections:
            governments[government.code or government.slug] = {"pemerintah": government.name} | sections
    return {"akun": public, "pemerintah_daerah": governments}


def personal_data_export(*, user: User) -> bytes:
    """A ZIP with one JSON file of the person's data; the request is logged with its completion."""
    request = _log(user_id=user.pk, kind=DataRequestKind.EXPORT)
    data = {
        "dibuat_pada": timezone.now(),
        "keterangan": "Data pribadi Anda di Warga (UU 27/2022 Pasal 7). Your personal data in Warga.",
    } | personal_data_collect(user_id=user.pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EXPORT_FILENAME, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    DataRequest.objects.filter(pk=request.pk).update(completed_at=timezone.now())
    return buffer.getvalue()


def account_delete(*, user: User) -> DataRequest:
    """Erase or anonymise the person's data in every schema, then delete the account.

    The request is logged first, in its own transaction, so that it is on record even if the
    erasure fails; the erasure itself is one transaction over all schemas, so a failure leaves
    every schema as it was and the request open (completed_at empty) to be retried."""
    user_id = user.pk
    request = _log(user_id=user_id, kind=DataRequestKind.DELETE)
    with transaction.atomic():
        for government in governments_ready():
            with government_context(government):
                for contributor in contributors(scope="tenant"):
                    contributor.personal_data_erase(user_id)
        for contributor in contributors(scope="public"):
            contributor.personal_data_erase(user_id)
        User.objects.filter(pk=user_id).delete()
        # Keep the log, not the identity: earlier requests too lose the account id.
        DataRequest.objects.filter(user_id=user_id).update(user_id=None)
        DataRequest.objects.filter(pk=request.pk).update(completed_at=timezone.now())
    request.refresh_from_db()
    return request
