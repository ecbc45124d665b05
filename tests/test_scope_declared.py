"""Every task and every service or selector declares the schema it runs in (decision 0115).

A task declares it by its base (`TenantRequiredTask`, `PublicTask`, `AnySchemaTask`); a public
function of a `services` or `selectors` module by a decorator of `tenants.scope`. This walks the
Celery registry and the modules and fails, naming it, on one that says nothing.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType

from config.celery import app as celery_app
from tenants.scope import Scope, public_scoped, scope_of
from tenants.tasks import AnySchemaTask, PublicTask, TenantRequiredTask

WARGA = Path(__file__).resolve().parents[1] / "platform" / "warga"

# TEMPORARY: apps being reorganised into packages as this lands; each is checked as soon as its
# own change declares the scope of its services, selectors and tasks. Remove an entry then, and
# the list when it is empty.
NOT_YET_CHECKED = (
    "warga.reports",
    "warga.intake",
    "warga.organization",
    "warga.routing",
    "warga.national",
    "warga.access",
    "warga.recipients",
)

TASK_BASES = (TenantRequiredTask, PublicTask, AnySchemaTask)


def _not_yet_checked(module_name: str) -> bool:
    return any(module_name == package or module_name.startswith(f"{package}.") for package in NOT_YET_CHECKED)


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
        if name.startswith("celery.") or _not_yet_checked(task.__module__):
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
        if _not_yet_checked(module_name):
            continue
        undeclared += _undeclared_functions(importlib.import_module(module_name))
    assert undeclared == []


def test_the_module_walk_finds_the_service_modules() -> None:
    modules = set(_service_modules())
    assert {"warga.billing.services", "warga.regions.selectors", "warga.onboarding.services.joining"} <= modules
    assert "warga.reports.services" in modules  # found, and skipped only by NOT_YET_CHECKED


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
