"""The admin koordinator sets the retention period and the designated identity viewer; the
policy follows the new designation at once; bad input and other governments change nothing."""

from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.personas import membership_in, verified_user, with_totp
from warga.access.policy import Action, ActionForbidden, policy_decide
from warga.organization.models import OrganizationEvent, PositionKind
from warga.privacy.models import PrivacySettings
from warga.privacy.selectors import privacy_settings_current
from warga.privacy.services import PrivacySettingsInvalid, privacy_settings_set


def _official(government: Government, email: str, kind: str = "admin_koordinator"):  # type: ignore[no-untyped-def]
    user = with_totp(verified_user(email))
    membership_in(government, user, kind=kind)
    return user


def _state(government: Government) -> tuple[list[tuple[int, str]], list[str]]:
    with government_context(government):
        return (
            list(PrivacySettings.objects.values_list("retention_days", "identity_viewer_kind")),
            list(OrganizationEvent.objects.values_list("action", flat=True)),
        )


def test_the_admin_designates_the_walikota_and_the_policy_follows(bandung: Government) -> None:
    admin = _official(bandung, "admin@bandung.go.id")
    walikota = _official(bandung, "walikota@bandung.go.id", kind=PositionKind.WALIKOTA)
    assert policy_decide(actor=walikota, government=bandung, action=Action.IDENTITY_REVEAL).allowed is False
    with government_context(bandung):
        privacy_settings_set(actor_id=admin.pk, retention_days=365, identity_viewer_kind=PositionKind.WALIKOTA)
        current = privacy_settings_current()
        event = OrganizationEvent.objects.get()
    assert (current.retention_days, current.identity_viewer_kind) == (365, "walikota")
    assert event.action == "privacy.update"
    assert event.data == {"retention_days": [730, 365], "identity_viewer_kind": ["admin_koordinator", "walikota"]}
    assert policy_decide(actor=walikota, government=bandung, action=Action.IDENTITY_REVEAL).allowed is True
    assert policy_decide(actor=admin, government=bandung, action=Action.IDENTITY_REVEAL).allowed is False


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"retention_days": 29}, "retention_days", "Masa simpan harus antara 30 dan 3650 hari"),
        ({"retention_days": 3651}, "retention_days", "Masa simpan harus antara 30 dan 3650 hari"),
        ({"identity_viewer_kind": "kapolda"}, "identity_viewer_kind", "Jenis jabatan tidak dikenal: kapolda"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    bandung: Government, kwargs: dict[str, object], field: str, message: str
) -> None:
    admin = _official(bandung, "admin@bandung.go.id")
    arguments: dict[str, object] = {"retention_days": 365, "identity_viewer_kind": "lurah", **kwargs}
    with government_context(bandung), pytest.raises(PrivacySettingsInvalid) as refused:
        privacy_settings_set(actor_id=admin.pk, **arguments)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert _state(bandung) == ([], [])


def test_only_the_admin_of_this_government_may_set_them(bandung: Government, jakarta: Government) -> None:
    lurah = _official(bandung, "lurah@bandung.go.id", kind=PositionKind.LURAH)
    jakarta_admin = _official(jakarta, "admin@jakarta.go.id")
    for actor, reason in ((lurah, "position_not_allowed"), (jakarta_admin, "not_official")):
        with government_context(bandung), pytest.raises(ActionForbidden) as refused:
            privacy_settings_set(actor_id=actor.pk, retention_days=30, identity_viewer_kind="petugas_lapangan")
        assert refused.value.reason == reason
    assert _state(bandung) == ([], [])
