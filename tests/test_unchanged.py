"""The denial tests' helper fails when a refusal did write something, naming the table."""

from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.unchanged import assert_nothing_changed
from warga.accounts.models import User
from warga.organization.models import Unit


def test_a_write_in_a_government_schema_is_caught(bandung: Government, jakarta: Government) -> None:
    with government_context(bandung):
        unit = Unit.objects.order_by("id").first()
        assert unit is not None
        changed = rf"{bandung.schema_name}\.organization_unit"
        with pytest.raises(AssertionError, match=changed), assert_nothing_changed(bandung, jakarta):
            Unit.objects.filter(pk=unit.pk).update(name="Diubah diam-diam")


def test_a_write_in_public_is_caught_and_a_read_is_not(citizen: User) -> None:
    with assert_nothing_changed():
        assert User.objects.filter(pk=citizen.pk).exists()
    with pytest.raises(AssertionError, match=r"public\.accounts_user"), assert_nothing_changed():
        User.objects.filter(pk=citizen.pk).update(full_name="Orang Lain")
