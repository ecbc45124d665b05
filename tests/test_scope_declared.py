"""Every task and every service or selector declares the schema it runs in (decision 0115).

A task declares it by its base (`TenantRequiredTask`, `PublicTask`, `AnySchemaTask`); a public
function of a `services` or `selectors` module by a decorator of `tenants.scope`. This walks the
Celery registry and the modules and fails, naming it, on one that says nothing.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.errors import WrongScope
from tenants.models import Government
from tenants.scope import Scope, public_scoped, scope_of
from tenants.tasks import AnySchemaTask, PublicTask, TenantRequiredTask
from warga.accounts.models import User
from warga.billing.services import billing_details_set, stripe_event_record
from warga.data_rights.services import account_delete_start, data_request_export_start
from warga.notifications.services import channel_preference_set
from warga.privacy.services import privacy_settings_update
from warga.webhooks.services import endpoint_create
from warga.workcalendar.services import office_hours_set

from .unchanged import assert_nothing_changed

WARGA = Path(__file__).resolve().parents[1] / "platform" / "warga"

TASK_BASES = (TenantRequiredTask, PublicTask, AnySchemaTask)


def _service_modules() -> list[str]:
    """services*.py and selectors*.py of every app, and the modules of services/ or selectors/
    packages."""
    found = []
    for path in sorted(WARGA.rglob("*.py")):
        relative = path.relative_to(WARGA)
        if "migrations" in relative.parts:
            continue
        named = path.stem.startswith(("services", "selectors"))
        packaged = any(part.startswith(("services", "selectors")) for part in relative.parts[:-1])
        if named or packaged:
            found.append(".".join(("warga", *relative.with_suffix("").parts)).removesuffix(".__init__"))
    return found


def _undeclared_functions(module: ModuleType) -> list[str]:
    """The module's own public functions (not classes, not imported names) without a scope."""
    undeclared = []
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.isclass(value) or not callable(value):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if scope_of(value) is None:
            undeclared.append(f"{module.__name__}.{name}")
    return undeclared


def test_every_task_declares_its_scope_by_its_base() -> None:
    celery_app.loader.import_default_modules()
    undeclared = []
    for name, task in sorted(celery_app.tasks.items()):
        if name.startswith("celery."):
            continue
        if not isinstance(task, TASK_BASES) or scope_of(task) is None:
            undeclared.append(f"{name} ({task.__module__})")
    assert undeclared == []


def test_the_task_walk_sees_every_app_s_tasks() -> None:
    celery_app.loader.import_default_modules()
    scopes = {name: scope_of(task) for name, task in celery_app.tasks.items()}
    assert scopes["tenants.for_each_ready_tenant"] is Scope.PUBLIC
    assert scopes["diagnostics.echo"] is Scope.TENANT
    assert scopes["billing.event_process"] is Scope.PUBLIC
    assert scopes["webhooks.deliver"] is Scope.TENANT


def test_every_service_and_selector_declares_its_scope() -> None:
    undeclared = []
    for module_name in _service_modules():
        undeclared += _undeclared_functions(importlib.import_module(module_name))
    assert undeclared == []


def test_the_module_walk_finds_the_service_modules() -> None:
    modules = set(_service_modules())
    assert {"warga.billing.services", "warga.regions.selectors", "warga.onboarding.services.joining"} <= modules
    assert {"warga.reports.services.creation", "warga.routing.selectors.inbox", "warga.triage.services.desk"} <= modules


def test_the_module_walk_would_catch_an_undeclared_function() -> None:
    module = ModuleType("warga.example.services")

    def example_create() -> None:
        return None

    def _helper() -> None:
        return None

    @public_scoped
    def example_delete() -> None:
        return None

    for function in (example_create, _helper, example_delete):
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)
    module.imported = importlib.import_module  # type: ignore[attr-defined]
    assert _undeclared_functions(module) == ["warga.example.services.example_create"]


# The declarations hold: a service called in the wrong schema is refused before it reads or
# writes anything.


def _tenant_services_called_in_public(citizen: User) -> list[Callable[[], object]]:
    return [
        lambda: endpoint_create(name="Dinas", url="https://hooks.example.org/warga", events=["report.created"]),
        lambda: channel_preference_set(user_id=citizen.pk, email=True, sms=False),
        lambda: office_hours_set(weekday=0, opens_at=None, closes_at=None),
        lambda: privacy_settings_update(dpo_name="Petugas", dpo_email="dpo@example.org"),
    ]


def test_tenant_scoped_services_called_in_public_are_refused_with_nothing_written(
    citizen: User, bandung: Government
) -> None:
    for call in _tenant_services_called_in_public(citizen):
        with assert_nothing_changed(bandung), pytest.raises(WrongScope, match="inside a government's schema"):
            call()


def test_public_scoped_services_called_in_a_government_s_schema_are_refused_with_nothing_written(
    citizen: User, bandung: Government
) -> None:
    calls: list[Callable[[], object]] = [
        lambda: stripe_event_record(payload={"id": "evt_scope", "type": "invoice.paid", "data": {"object": {}}}),
        lambda: data_request_export_start(user=citizen),
        lambda: account_delete_start(user=citizen),
    ]
    for call in calls:
        with (
            assert_nothing_changed(bandung),
            government_context(bandung),
            pytest.raises(WrongScope, match="runs in the public schema, not in 'gov_32_73'"),
        ):
            call()


def test_a_service_for_one_government_called_in_another_s_schema_is_refused_with_nothing_written(
    citizen: User, bandung: Government, jakarta: Government
) -> None:
    with (
        assert_nothing_changed(bandung, jakarta),
        government_context(bandung),
        pytest.raises(WrongScope, match="runs in 'gov_31', not in 'gov_32_73'"),
    ):
        billing_details_set(
            government=jakarta,
            acting_user=citizen,
            npwp="01.234.567.8-901.000",
            billing_name="Pemerintah Provinsi DKI Jakarta",
            address_line="Jl. Medan Merdeka Selatan 8-9",
            address_city="Jakarta Pusat",
            address_postal_code="10110",
            address_province="DKI Jakarta",
        )
