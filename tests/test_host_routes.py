"""Every route, the kinds of host it answers on, and what the other kinds answer.

The routes come from walking the resolvers of both URLconfs: `config.urls_public`, which
tenants.middleware mounts on the public host, and `config.urls_tenant`, mounted on every
government's host. A route answers on a kind of host when its URLconf is mounted there and
every host pattern on its way (tenants.host_kinds) lets that kind through. The kinds it
declares are its view's (`host_kinds`, `answers_on`) or, for another library's views, the
kinds its include names. A route reachable on a kind it does not declare fails; so does a
route that declares nothing or is reachable nowhere. Then, resolving a sample path of every
route as each kind of host, and requesting it over the test client on every kind of host it
does not declare: 404, before any permission (not 403) and without data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from tenants.host_kinds import (
    EVERY,
    GOVERNMENT,
    NATIONAL,
    OVERSIGHT,
    PUBLIC,
    REGIONAL,
    HostKind,
    HostKinds,
    answers_on,
    declared_kinds,
    host_path,
    kinds_answering,
    serving,
    urlconf_for,
)
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory

MOUNTS: dict[str, HostKinds] = {"config.urls_public": PUBLIC, "config.urls_tenant": GOVERNMENT}
HOSTS = {
    HostKind.PUBLIC: "localhost",
    HostKind.NATIONAL: "nasional.localhost",
    HostKind.PROVINCE: "dki-jakarta.localhost",
    HostKind.CITY: "kota-bandung.localhost",
}
# Sample values for path parameters, by name, then by converter.
SAMPLES_BY_NAME = {"tracking_number": "32.73-2026-000001", "fmt": "json", "rest": "lain"}
SAMPLES_BY_CONVERTER = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "a/b",
    "uuid": "5f0c3a1e-8c4b-4a57-9d0e-1b2c3d4e5f60",
}


@dataclass(frozen=True)
class Route:
    urlconf: str
    route: str
    sample: str
    name: str | None
    callback: Any
    answers_on: HostKinds
    declared: HostKinds | None

    def __str__(self) -> str:
        return f"{self.urlconf} /{self.route} ({self.name or self.callback.__name__})"


def _sample(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):

        def fill(match: re.Match[str]) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            return SAMPLES_BY_NAME.get(name, SAMPLES_BY_CONVERTER[converter])

        return re.sub(r"<(?:(\w+):)?(\w+)>", fill, str(pattern))
    assert isinstance(pattern, RegexPattern)
    template, params = normalize(pattern.regex.pattern)[0]
    return template % {name: SAMPLES_BY_NAME.get(name, "1") for name in params}


def walk(
    patterns: Iterable[URLPattern | URLResolver],
    *,
    urlconf: str,
    mounted: HostKinds,
    prefix: str = "",
    sample: str = "",
    declared_above: HostKinds | None = None,
) -> Iterator[Route]:
    """Every leaf route under `patterns`, with the kinds it answers on and the kinds declared."""
    for entry in patterns:
        kinds = getattr(entry.pattern, "kinds", None)
        answering = mounted if kinds is None else mounted & kinds
        route, here = prefix + str(entry.pattern), sample + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns,
                urlconf=urlconf,
                mounted=answering,
                prefix=route,
                sample=here,
                declared_above=kinds if kinds is not None else declared_above,
            )
            continue
        declared = declared_kinds(entry.callback)
        yield Route(
            urlconf=urlconf,
            route=route,
            sample="/" + here,
            name=entry.name,
            callback=entry.callback,
            answers_on=answering,
            declared=declared if declared is not None else (kinds or declared_above),
        )


def routes() -> list[Route]:
    return [
        route
        for urlconf, mounted in MOUNTS.items()
        for route in walk(get_resolver(urlconf).url_patterns, urlconf=urlconf, mounted=mounted)
    ]


def _names(kinds: Iterable[HostKind]) -> list[str]:
    return sorted(str(kind) for kind in kinds)


def problems(found: Iterable[Route]) -> list[str]:
    wrong = []
    for route in found:
        if route.declared is None:
            wrong.append(f"{route}: declares no kinds of host")
        elif not route.answers_on:
            wrong.append(f"{route}: reachable on no host (declares {_names(route.declared)})")
        elif not route.answers_on <= route.declared:
            wrong.append(f"{route}: reachable on {_names(route.answers_on - route.declared)}, not declared")
    return wrong


def test_every_route_answers_only_on_the_kinds_of_host_it_declares() -> None:
    found = routes()
    table = "\n".join(f"{', '.join(_names(r.answers_on)):42} {r}" for r in found)
    print(f"Routes and the kinds of host they answer on:\n{table}")

    assert problems(found) == []
    assert len(found) > 150
    by_name = {(r.urlconf, r.name): r.answers_on for r in found if r.name}
    assert by_name[("config.urls_tenant", "v1-triage-queue")] == NATIONAL
    assert by_name[("config.urls_tenant", "v1-triage-offers")] == REGIONAL
    assert by_name[("config.urls_tenant", "v1-national-dashboard")] == OVERSIGHT
    assert by_name[("config.urls_tenant", "national-dashboard")] == OVERSIGHT
    assert by_name[("config.urls_tenant", "triage-queue")] == NATIONAL
    assert by_name[("config.urls_tenant", "v1-inbox")] == GOVERNMENT
    assert by_name[("config.urls_public", "v1-report-submit")] == PUBLIC
    assert by_name[("config.urls_public", "v1-categories")] == PUBLIC
    assert by_name[("config.urls_tenant", "v1-categories")] == GOVERNMENT
    # A city's host stands for a regency's below: no route tells them apart.
    assert all((HostKind.REGENCY in r.answers_on) == (HostKind.CITY in r.answers_on) for r in found)


def test_the_check_notices_undeclared_unreachable_and_overreaching_routes() -> None:
    def view(request: Any) -> Any:
        raise AssertionError

    on_public = answers_on(PUBLIC)(lambda request: None)
    national = answers_on(NATIONAL)(lambda request: None)
    patterns = [
        path("plain/", view, name="plain"),
        host_path("public-only/", on_public, name="public-only"),
        host_path("desk/", national, name="desk"),
        path("wide/", national, name="wide"),
    ]
    found = list(walk(patterns, urlconf="test", mounted=GOVERNMENT))
    assert problems(found) == [
        "test /plain/ (plain): declares no kinds of host",
        "test /public-only/ (public-only): reachable on no host (declares ['public'])",
        "test /wide/ (wide): reachable on ['city', 'province', 'regency'], not declared",
    ]


def test_a_route_must_be_declared_and_mounted_as_declared() -> None:
    def undeclared(request: Any) -> Any:
        raise AssertionError

    with pytest.raises(ImproperlyConfigured, match="declares no kinds of host"):
        host_path("x/", undeclared)
    with pytest.raises(ImproperlyConfigured, match="the view declares"):
        host_path("x/", answers_on(NATIONAL)(undeclared), kinds=GOVERNMENT)
    with pytest.raises(ImproperlyConfigured, match="an include must name"):
        host_path("x/", ([], None, None))


def _reached(route: Route, kind: HostKind) -> Any | None:
    """What the route's sample path resolves to as a host of `kind` (None: nothing)."""
    with serving(kind):
        try:
            return resolve(route.sample, urlconf_for(kind))
        except Resolver404:
            return None


@pytest.mark.parametrize("route", routes(), ids=str)
def test_each_route_resolves_exactly_on_the_kinds_it_declares(route: Route) -> None:
    assert route.declared is not None
    for kind in HostKind:
        match = _reached(route, kind)
        if kind in route.answers_on:
            # This route, or one before it in its URLconf that serves the same path (Warga's
            # sign-up in front of allauth's).
            assert match is not None, f"{route.sample} reaches nothing on a {kind} host"
        elif urlconf_for(kind) == route.urlconf:
            # (The other URLconf may mount the same view for its own kinds: another route.)
            reached = match is not None and match.func is route.callback and match.url_name == route.name
            assert not reached, f"{route.sample} reaches {route} on a {kind} host"
    # Outside a request no host is served: nothing matches.
    with pytest.raises(Resolver404):
        resolve(route.sample, route.urlconf)


def _off_host_requests() -> list[tuple[Route, HostKind]]:
    """Each route with each kind of host that does not declare it and where its sample path
    is no other route's either."""
    return [
        (route, kind)
        for route in routes()
        for kind in HOSTS
        if route.declared is not None and kind not in route.declared and _reached(route, kind) is None
    ]


# Paths no route of the host answers, that a middleware of that host answers itself.
ANSWERED_BY_MIDDLEWARE = {
    # allauth's AccountMiddleware sends a 404 at its root to sign-in (or to the signed-in
    # person's email addresses).
    ("/akun/", HostKind.PUBLIC): "/akun/",
}


@pytest.mark.parametrize(("route", "kind"), _off_host_requests(), ids=lambda value: str(value))
def test_a_route_requested_on_a_host_it_does_not_declare_is_a_404(
    route: Route, kind: HostKind, national: Any, jakarta: Any, bandung: Any
) -> None:
    citizen = signed_in_client(UserFactory(password=None))
    for client in (Client(), citizen):
        for method in (client.get, client.post):
            response = method(route.sample, HTTP_HOST=HOSTS[kind])
            if (route.sample, kind) in ANSWERED_BY_MIDDLEWARE:
                assert response.wsgi_request.resolver_match is None
                assert response["Location"].startswith(ANSWERED_BY_MIDDLEWARE[(route.sample, kind)])
                continue
            assert response.status_code == 404, (method.__name__, response.status_code, response.content[:200])
            if route.sample.startswith("/api/v1/"):
                error = response.json()["error"]
                assert error["code"] == "not_found"
                assert error["message"].startswith("Tersedia di ")


def test_the_404_says_where_a_path_is_served(national: Any, bandung: Any) -> None:
    client = Client()
    desk = client.get("/api/v1/triage/queue/", HTTP_HOST="kota-bandung.localhost")
    assert desk.status_code == 404
    assert desk.json()["error"]["message"].endswith("(Served on the national government's host.)")
    offers = client.get("/api/v1/triage/offers/", HTTP_HOST="nasional.localhost")
    assert offers.json()["error"]["message"].endswith("(Served on a province's, regency's or city's government host.)")
    inbox = client.get("/api/v1/inbox/", HTTP_HOST="localhost")
    assert inbox.json()["error"]["message"] == "Tersedia di alamat pemerintah daerah. (Served on a government's host.)"
    # A path no host serves keeps Django's own 404 page.
    nowhere = client.get("/api/v1/tidak-ada/", HTTP_HOST="localhost")
    assert (nowhere.status_code, nowhere["Content-Type"].startswith("text/html")) == (404, True)
    assert kinds_answering("/api/v1/tidak-ada/") == frozenset()
    assert kinds_answering("/api/v1/categories/") == EVERY
