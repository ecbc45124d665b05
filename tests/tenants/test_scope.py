"""The scope declarations: each refuses the wrong schema before the body runs, lets the right one
through unchanged, and leaves the declared scope where a test can read it."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import pytest

from tenants import tasks
from tenants.context import current_schema, government_context
from tenants.errors import WrongScope
from tenants.models import Government
from tenants.scope import Scope, any_scope, public_scoped, scope_of, tenant_scoped, tenant_scoped_to
from tenants.tasks import AnySchemaTask, PublicTask, TenantRequiredTask, for_each_ready_tenant
from warga import errors

calls: list[str] = []


@public_scoped
def _registry_write(*, name: str) -> str:
    """A public-scoped function."""
    calls.append(name)
    return current_schema()


@tenant_scoped
def _rows_write(*, name: str) -> str:
    calls.append(name)
    return current_schema()


@tenant_scoped_to("government")
def _calendar_read(*, government: Government | None = None, name: str) -> str:
    calls.append(name)
    return current_schema()


@any_scope
def _helper(value: int) -> int:
    return value + 1


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls.clear()


def test_the_declared_scope_stays_on_the_function() -> None:
    assert scope_of(_registry_write) is Scope.PUBLIC
    assert scope_of(_rows_write) is Scope.TENANT
    assert scope_of(_calendar_read) is Scope.TENANT
    assert scope_of(_helper) is Scope.ANY
    assert scope_of(lambda: None) is None


def test_a_declaration_keeps_the_name_docstring_and_signature() -> None:
    assert _registry_write.__name__ == "_registry_write"
    assert _registry_write.__doc__ == "A public-scoped function."
    assert list(inspect.signature(_calendar_read).parameters) == ["government", "name"]


def test_the_wrong_scope_error_is_a_defect_of_warga_s_family() -> None:
    assert errors.WrongScope is WrongScope
    assert issubclass(WrongScope, errors.Defect)
    assert issubclass(WrongScope, errors.WargaError)
    assert WrongScope.http_status == 500
    assert WrongScope in errors.all_error_classes()


def test_public_scoped_runs_in_public(db: None) -> None:
    assert _registry_write(name="a") == "public"
    assert calls == ["a"]


def test_public_scoped_refuses_a_government_s_schema_before_its_body(bandung: Government) -> None:
    with government_context(bandung), pytest.raises(WrongScope, match="runs in the public schema, not in 'gov_32_73'"):
        _registry_write(name="a")
    assert calls == []


def test_tenant_scoped_runs_in_any_government_s_schema(bandung: Government, jakarta: Government) -> None:
    with government_context(bandung):
        assert _rows_write(name="b") == "gov_32_73"
    with government_context(jakarta):
        assert _rows_write(name="j") == "gov_31"
    assert calls == ["b", "j"]


def test_tenant_scoped_refuses_public_before_its_body(db: None) -> None:
    with pytest.raises(WrongScope, match="_rows_write runs inside a government's schema, not in 'public'"):
        _rows_write(name="a")
    assert calls == []


def test_tenant_scoped_to_runs_only_in_the_schema_of_the_government_passed(
    bandung: Government, jakarta: Government
) -> None:
    with government_context(bandung):
        assert _calendar_read(government=bandung, name="own") == "gov_32_73"
        with pytest.raises(WrongScope, match="runs in 'gov_31', not in 'gov_32_73'"):
            _calendar_read(government=jakarta, name="other")
        # Without a government, any government's schema will do.
        assert _calendar_read(name="none") == "gov_32_73"
    with pytest.raises(WrongScope, match="runs in 'gov_32_73', not in 'public'"):
        _calendar_read(government=bandung, name="public")
    with pytest.raises(WrongScope, match="runs in a government's schema, not in 'public'"):
        _calendar_read(name="public")
    assert calls == ["own", "none"]


def test_tenant_scoped_to_reads_a_government_passed_by_position(bandung: Government, jakarta: Government) -> None:
    @tenant_scoped_to("government")
    def read(government: Any) -> str:
        return current_schema()

    with government_context(bandung):
        assert read(bandung) == "gov_32_73"
        assert read(SimpleNamespace(schema_name="gov_32_73")) == "gov_32_73"
        with pytest.raises(WrongScope):
            read(jakarta)


def test_tenant_scoped_to_a_parameter_the_function_does_not_have_fails_at_declaration() -> None:
    with pytest.raises(TypeError, match="has no parameter 'goverment'"):

        @tenant_scoped_to("goverment")
        def read(*, government: Government) -> None:
            return None


def test_any_scope_returns_the_function_itself(bandung: Government) -> None:
    assert not hasattr(_helper, "__wrapped__")
    assert _helper(1) == 2
    with government_context(bandung):
        assert _helper(2) == 3


def test_each_task_base_declares_its_scope() -> None:
    assert TenantRequiredTask.scope is Scope.TENANT
    assert PublicTask.scope is Scope.PUBLIC
    assert AnySchemaTask.scope is Scope.ANY
    assert scope_of(for_each_ready_tenant) is Scope.PUBLIC


def test_a_public_task_runs_in_public_whichever_schema_it_was_sent_from(
    bandung: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def record(governments: Any, task_name: str, **options: Any) -> int:
        seen.append(current_schema())
        return 0

    monkeypatch.setattr(tasks, "send_into_each", record)
    with government_context(bandung):
        for_each_ready_tenant.apply(kwargs={"task_name": "diagnostics.echo"}).get()
        # The sender's schema is back afterwards.
        assert current_schema() == "gov_32_73"
    for_each_ready_tenant.apply(kwargs={"task_name": "diagnostics.echo"}).get()
    assert seen == ["public", "public"]
