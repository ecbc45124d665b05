"""Where a service, selector or task runs: the public schema, a government's schema, or either.

Every public function of a `services` or `selectors` module says so with one decorator:

- `@public_scoped`: with the public schema active (the registry, accounts, billing, join
  requests, data-subject requests);
- `@tenant_scoped`: in a government's schema, whichever it is (the current government's rows);
- `@tenant_scoped_to("government")`: in the schema of the government passed as that argument
  (work that labels one government's rows with another's name would be silently wrong);
- `@any_scope`: in either; nothing is checked and the function is returned as it is (reads of
  the public reference tables that a government's pages use too, helpers that touch no table).

Called in the wrong schema, a scoped function raises `WrongScope` before its body runs, so
nothing is read or written; the check reads the connection's schema name, nothing more. The
declaration stays on the function (`scope_of(function)`), and tests/test_scope_declared.py
fails on a service or selector that has none. Tasks declare their scope by their base:
`tenants.tasks.TenantRequiredTask`, `PublicTask` or `AnySchemaTask` (decision 0115).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from tenants.context import current_schema, in_public_schema
from tenants.errors import WrongScope

__all__ = [
    "Scope",
    "WrongScope",
    "any_scope",
    "public_scoped",
    "scope_of",
    "tenant_scoped",
    "tenant_scoped_to",
]

P = ParamSpec("P")
R = TypeVar("R")

# The attribute a declaration leaves on the function (and on a task base, as a class attribute).
SCOPE_ATTRIBUTE = "scope"


class Scope(StrEnum):
    PUBLIC = "public"
    TENANT = "tenant"
    ANY = "any"


def scope_of(declared: object) -> Scope | None:
    """The scope `declared` (a function or a task) says it runs in; None when it says nothing."""
    scope = getattr(declared, SCOPE_ATTRIBUTE, None)
    return scope if isinstance(scope, Scope) else None


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def public_scoped(function: Callable[P, R]) -> Callable[P, R]:
    """Declare that `function` runs with the public schema active; refuse it anywhere else."""

    @wraps(function)
    def in_public(*args: P.args, **kwargs: P.kwargs) -> R:
        if not in_public_schema():
            raise WrongScope(f"{_name(function)} runs in the public schema, not in {current_schema()!r}.")
        return function(*args, **kwargs)

    setattr(in_public, SCOPE_ATTRIBUTE, Scope.PUBLIC)
    return in_public


def tenant_scoped(function: Callable[P, R]) -> Callable[P, R]:
    """Declare that `function` runs in a government's schema; refuse it in the public one."""

    @wraps(function)
    def in_tenant(*args: P.args, **kwargs: P.kwargs) -> R:
        if in_public_schema():
            raise WrongScope(f"{_name(function)} runs inside a government's schema, not in 'public'.")
        return function(*args, **kwargs)

    setattr(in_tenant, SCOPE_ATTRIBUTE, Scope.TENANT)
    return in_tenant


def tenant_scoped_to(parameter: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare that the function runs in the schema of the government passed as `parameter`
    (an object with `schema_name`); refuse it in any other schema. A government of None leaves
    only the check that some government's schema is active."""

    def declare(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if parameter not in signature.parameters:
            raise TypeError(f"{_name(function)} has no parameter {parameter!r} to take the government from.")

        @wraps(function)
        def in_schema_of(*args: P.args, **kwargs: P.kwargs) -> R:
            if parameter in kwargs:
                government = kwargs[parameter]
            else:
                government = signature.bind_partial(*args, **kwargs).arguments.get(parameter)
            expected = getattr(government, "schema_name", None)
            if in_public_schema() or (expected is not None and current_schema() != expected):
                wanted = repr(expected) if expected is not None else "a government's schema"
                raise WrongScope(f"{_name(function)} runs in {wanted}, not in {current_schema()!r}.")
            return function(*args, **kwargs)

        setattr(in_schema_of, SCOPE_ATTRIBUTE, Scope.TENANT)
        return in_schema_of

    return declare


def any_scope(function: Callable[P, R]) -> Callable[P, R]:
    """Declare that `function` works in the public schema and in a government's alike. Nothing
    is checked: the function itself is returned, marked."""
    setattr(function, SCOPE_ATTRIBUTE, Scope.ANY)
    return function
