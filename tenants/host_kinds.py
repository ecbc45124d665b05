"""Which kind of host a request came to, and the routes that answer there.

Warga has five kinds of host: the public host (the base domain, the shared citizen app) and a
government's host, whose kind is the government's level (national, province, regency, city).
Every view declares the kinds it answers on: `host_kinds = GOVERNMENT` on a class, or
`@answers_on(PUBLIC)` on a function. The URLconfs mount routes with `host_path` /
`host_re_path`, which read that declaration: a route whose view does not answer on the kind of
host at hand does not match there, so the request goes on to the next route or ends in the
URLconf's 404, before any view, permission or throttle runs. That is the one place the host is
enforced; no view checks it again.

`tenants.middleware.GovernmentHostMiddleware` says which kind is being served for the length of
a request; `serving(kind)` does the same outside one (tests, the OpenAPI generator). With no
kind being served, no host route matches at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from tenants.models import Government, Level


class HostKind(StrEnum):
    PUBLIC = "public"
    NATIONAL = "national"
    PROVINCE = "province"
    REGENCY = "regency"
    CITY = "city"


HostKinds = frozenset[HostKind]

# The sets views declare.
PUBLIC: HostKinds = frozenset({HostKind.PUBLIC})
GOVERNMENT: HostKinds = frozenset({HostKind.NATIONAL, HostKind.PROVINCE, HostKind.REGENCY, HostKind.CITY})
NATIONAL: HostKinds = frozenset({HostKind.NATIONAL})
# National oversight: the country on the national host, a province on its own host.
OVERSIGHT: HostKinds = frozenset({HostKind.NATIONAL, HostKind.PROVINCE})
# The governments the triage desk makes offers to.
REGIONAL: HostKinds = frozenset({HostKind.PROVINCE, HostKind.REGENCY, HostKind.CITY})
EVERY: HostKinds = PUBLIC | GOVERNMENT

_LEVEL_KINDS = {
    Level.NATIONAL: HostKind.NATIONAL,
    Level.PROVINCE: HostKind.PROVINCE,
    Level.REGENCY: HostKind.REGENCY,
    Level.CITY: HostKind.CITY,
}


def kind_of(government: Government | None) -> HostKind | None:
    """The kind of a government's host (PUBLIC for None, the public host); None for the hidden
    template, which is never served."""
    if government is None:
        return HostKind.PUBLIC
    return _LEVEL_KINDS.get(Level(government.level))


_serving: ContextVar[HostKind | None] = ContextVar("warga_host_kind", default=None)


def serving_kind() -> HostKind | None:
    return _serving.get()


@contextmanager
def serving(kind: HostKind | None) -> Iterator[None]:
    """Resolve URLs as on a host of `kind` inside the block."""
    token = _serving.set(kind)
    try:
        yield
    finally:
        _serving.reset(token)


@contextmanager
def serving_for_request(request: Any) -> Iterator[None]:
    """Around one request: the host middleware calls `serve` once it knows the host; whatever
    was served before is back afterwards."""
    token = _serving.set(None)
    try:
        yield
    finally:
        _serving.reset(token)


def serve(request: Any, kind: HostKind | None) -> None:
    request.host_kind = kind
    _serving.set(kind)


# --- Declaring ----------------------------------------------------------------------------------

Declared = TypeVar("Declared", bound=Callable[..., Any])


def answers_on(kinds: Collection[HostKind]) -> Callable[[Declared], Declared]:
    """Declare the kinds of host a view (function or class) answers on."""
    declared = frozenset(kinds)

    def declare(view: Declared) -> Declared:
        view.host_kinds = declared  # type: ignore[attr-defined]
        return view

    return declare


def declared_kinds(view: Any) -> HostKinds | None:
    """What a view (as mounted: a function, or a class-based view's `as_view()`) declares."""
    for holder in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        kinds = getattr(holder, "host_kinds", None)
        if kinds is not None:
            return frozenset(kinds)
    return None


# --- Mounting -----------------------------------------------------------------------------------


class _OnHostKinds:
    """A URL pattern that matches only while a host of one of `kinds` is being served."""

    kinds: HostKinds

    def match(self, path: str) -> Any:
        if _serving.get() not in self.kinds:
            return None
        return super().match(path)  # type: ignore[misc]


class HostRoutePattern(_OnHostKinds, RoutePattern):
    def __init__(self, route: str, kinds: HostKinds, *, name: str | None = None, is_endpoint: bool = False) -> None:
        super().__init__(route, name=name, is_endpoint=is_endpoint)
        self.kinds = kinds


class HostRegexPattern(_OnHostKinds, RegexPattern):
    def __init__(self, regex: str, kinds: HostKinds, *, name: str | None = None, is_endpoint: bool = False) -> None:
        super().__init__(regex, name=name, is_endpoint=is_endpoint)
        self.kinds = kinds


def _kinds_for(route: str, view: Any, kinds: Collection[HostKind] | None) -> HostKinds:
    if isinstance(view, list | tuple):
        if kinds is None:
            raise ImproperlyConfigured(f"{route!r}: an include must name the kinds of host it is mounted on.")
        return frozenset(kinds)
    declared = declared_kinds(view)
    if declared is None:
        if kinds is None:
            raise ImproperlyConfigured(f"{route!r}: {view!r} declares no kinds of host (answers_on / host_kinds).")
        return frozenset(kinds)
    if kinds is not None and frozenset(kinds) != declared:
        raise ImproperlyConfigured(f"{route!r}: mounted for {sorted(kinds)}, the view declares {sorted(declared)}.")
    return declared


def _mount(pattern: _OnHostKinds, view: Any, kwargs: dict[str, Any] | None, name: str | None) -> Any:
    if isinstance(view, list | tuple):
        urlconf, app_name, namespace = view
        return URLResolver(pattern, urlconf, kwargs, app_name=app_name, namespace=namespace)  # type: ignore[arg-type]
    return URLPattern(pattern, view, kwargs, name)  # type: ignore[arg-type]


def host_path(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    *,
    kinds: Collection[HostKind] | None = None,
) -> URLPattern | URLResolver:
    """`django.urls.path` answering only on the kinds of host the view declares. An include,
    or a view that cannot declare (another library's), names them with `kinds`."""
    declared = _kinds_for(route, view, kinds)
    pattern = HostRoutePattern(route, declared, name=name, is_endpoint=not isinstance(view, list | tuple))
    return _mount(pattern, view, kwargs, name)


def host_re_path(
    regex: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    *,
    kinds: Collection[HostKind] | None = None,
) -> URLPattern | URLResolver:
    """`django.urls.re_path` answering only on the kinds of host the view declares."""
    declared = _kinds_for(regex, view, kinds)
    pattern = HostRegexPattern(regex, declared, name=name, is_endpoint=not isinstance(view, list | tuple))
    return _mount(pattern, view, kwargs, name)


# --- Where a path is served ---------------------------------------------------------------------


def urlconf_for(kind: HostKind) -> str:
    """The URLconf tenants.middleware mounts on a host of `kind`."""
    return settings.PUBLIC_SCHEMA_URLCONF if kind == HostKind.PUBLIC else settings.ROOT_URLCONF


def kinds_answering(path: str) -> HostKinds:
    """The kinds of host on which some route answers `path` (a request's `path_info`)."""
    found = set()
    for kind in HostKind:
        with serving(kind):
            try:
                resolve(path, urlconf_for(kind))
            except Resolver404:
                continue
        found.add(kind)
    return frozenset(found)
