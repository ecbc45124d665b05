"""The name, NPWP and address invoices carry."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped_to
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.billing.errors import BillingInvalid
from warga.billing.models import BillingAccount
from warga.billing.services._common import _account_for_update, _audit, _require_billed


@any_scope
def npwp_clean(value: str) -> str:
    """An NPWP as its digits: 15 (the old format, `01.234.567.8-901.000`) or 16 (the NIK-based
    format since 2024); dots, dashes and spaces are ignored."""
    digits = re.sub(r"[.\-\s]", "", value or "")
    if not re.fullmatch(r"\d{15}|\d{16}", digits):
        raise BillingInvalid(
            "NPWP terdiri dari 15 atau 16 angka (titik dan tanda hubung boleh). "
            "(An NPWP has 15 or 16 digits; dots and dashes are allowed.)",
            field="npwp",
        )
    return digits


@tenant_scoped_to("government")
def billing_details_set(
    *,
    government: Government,
    acting_user: User,
    npwp: str,
    billing_name: str,
    address_line: str,
    address_city: str,
    address_postal_code: str,
    address_province: str,
) -> BillingAccount:
    """Save the name, NPWP and address invoices carry. Every field is checked before anything
    is written. Stripe receives them with the customer, made at the first checkout; later
    changes are made in Stripe's Customer Portal."""
    policy_require(actor=acting_user, government=government, action=Action.BILLING_MANAGE)
    _require_billed(government)
    clean_npwp = npwp_clean(npwp)
    values = {
        "billing_name": " ".join(billing_name.split()),
        "address_line": " ".join(address_line.split()),
        "address_city": " ".join(address_city.split()),
        "address_province": " ".join(address_province.split()),
    }
    for field, value in values.items():
        if not value:
            raise BillingInvalid(_("This field is required for invoices."), field=field)
    if not re.fullmatch(r"\d{5}", address_postal_code.strip()):
        raise BillingInvalid(
            "Kode pos terdiri dari 5 angka. (A postal code has 5 digits.)", field="address_postal_code"
        )
    with transaction.atomic():
        account = _account_for_update(government)
        for field, value in values.items():
            setattr(account, field, value)
        account.npwp = clean_npwp
        account.address_postal_code = address_postal_code.strip()
        account.save()
        _audit(account, from_status=account.status, actor_id=acting_user.pk, note="Invoicing details saved")
    return account
