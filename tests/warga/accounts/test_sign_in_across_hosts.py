"""Sign in once on the central host, be recognised on every government host (decision 0006)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.test import Client

from warga.accounts.models import User
from warga.web.signin import CENTRAL_SESSION_KEY, CHECKED_COOKIE

PASSWORD = "rahasia-sekali-123"
CENTRAL = "localhost"
BANDUNG = "kota-bandung.localhost"
JAKARTA = "dki-jakarta.localhost"
NAVIGATION = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}


class Browser:
    """A browser's host-only cookies: one Django test client (one cookie jar) per host. A single
    Client would send every cookie to every host, hiding exactly what this module tests."""

    def __init__(self) -> None:
        self.jars: dict[str, Client] = {}

    def client(self, host: str) -> Client:
        return self.jars.setdefault(host, Client())

    def get(self, url: str, **extra: Any) -> Any:
        host, path = _split(url)
        return self.client(host).get(path, HTTP_HOST=host, **extra)

    def post(self, url: str, data: dict[str, str]) -> Any:
        host, path = _split(url)
        return self.client(host).post(path, data, HTTP_HOST=host)

    def session(self, host: str) -> Any:
        return self.client(host).session


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc or CENTRAL, parts.path + (f"?{parts.query}" if parts.query else "")


def _signed_in_centrally(user: User) -> Browser:
    browser = Browser()
    response = browser.post("/akun/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.session(CENTRAL)["_auth_user_id"] == str(user.pk)
    return browser


def _state_of(browser: Browser, host: str) -> str:
    return browser.client(host).cookies[settings.WARGA_HANDOFF_STATE_COOKIE].value


def _token_for(browser: Browser, host: str) -> str:
    """Start a hand-over from `host` as its sign-in link does, and return the central host's token."""
    start = browser.get(f"http://{host}/akun/login/?next=/")
    handoff = browser.get(start["Location"])
    assert handoff["Location"].startswith(f"http://{host}/akun/sambung/?token="), handoff["Location"]
    return parse_qs(urlsplit(handoff["Location"]).query)["token"][0]


def test_a_citizen_signed_in_centrally_is_recognised_on_a_government_host(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)

    # First page navigation on Bandung: bounced once to the central host and straight back,
    # with a state that this browser now holds in a Bandung cookie.
    response = browser.get("http://kota-bandung.localhost/", **NAVIGATION)
    assert response.status_code == 302
    state = _state_of(browser, BANDUNG)
    assert response["Location"] == (
        f"http://localhost/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2F&diam=1&state={state}"
    )

    central = browser.get(response["Location"])
    assert central.status_code == 302
    assert central["Location"].startswith("http://kota-bandung.localhost/akun/sambung/?token=")
    token = parse_qs(urlsplit(central["Location"]).query)["token"][0]

    connect = browser.get(central["Location"])
    assert connect["Location"] == "/"
    assert connect.cookies[CHECKED_COOKIE]["max-age"] == 300

    home = browser.get("http://kota-bandung.localhost/", **NAVIGATION)
    assert home.status_code == 200
    assert home.wsgi_request.user == citizen
    bandung_session = browser.session(BANDUNG)
    assert bandung_session[CENTRAL_SESSION_KEY] == browser.session(CENTRAL).session_key
    assert bandung_session.session_key != browser.session(CENTRAL).session_key

    # The token was single-use: another browser presenting it gets nobody.
    thief = Browser()
    thief.get(f"http://kota-bandung.localhost/akun/sambung/?token={token}&next=/")
    assert "_auth_user_id" not in thief.session(BANDUNG)


def test_sign_in_pages_on_a_government_host_go_to_the_central_one_and_back(citizen: User) -> None:
    browser = Browser()
    response = browser.get("http://kota-bandung.localhost/akun/login/?next=/kantor/")
    assert response.status_code == 302
    state = _state_of(browser, BANDUNG)
    assert response["Location"] == (
        f"http://localhost/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2Fkantor%2F&state={state}"
    )
    # Not signed in: the central host asks for the login first, coming back afterwards.
    central = browser.get(response["Location"])
    assert central["Location"] == (
        "/akun/login/?next=%2Fakun%2Flanjut%2F%3Fke%3Dhttp%253A%252F%252Fkota-bandung.localhost%252Fkantor%252F"
        f"%26state%3D{state}"
    )
    login = browser.post(central["Location"], {"login": citizen.email, "password": PASSWORD})
    assert login["Location"] == f"/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2Fkantor%2F&state={state}"
    handoff = browser.get(login["Location"])
    assert handoff["Location"].startswith("http://kota-bandung.localhost/akun/sambung/?token=")
    connect = browser.get(handoff["Location"])
    assert connect["Location"] == "/kantor/"
    assert browser.session(BANDUNG)["_auth_user_id"] == str(citizen.pk)

    # Other account pages are simply the central ones.
    other = browser.get("http://kota-bandung.localhost/akun/2fa/?x=1")
    assert other["Location"] == "http://localhost/akun/2fa/?x=1"


def test_a_hand_off_for_bandung_does_not_open_a_session_on_jakarta(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)
    token = _token_for(browser, BANDUNG)
    # Even with a state cookie on Jakarta equal to Bandung's.
    browser.client(JAKARTA).cookies[settings.WARGA_HANDOFF_STATE_COOKIE] = _state_of(browser, BANDUNG)

    response = browser.get(f"http://dki-jakarta.localhost/akun/sambung/?token={token}&next=/")
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session(JAKARTA)
    # ...and the token is spent: not usable on Bandung afterwards either.
    browser.get(f"http://kota-bandung.localhost/akun/sambung/?token={token}&next=/")
    assert "_auth_user_id" not in browser.session(BANDUNG)


def test_signing_out_centrally_ends_the_government_host_session(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)
    browser.get(f"http://kota-bandung.localhost/akun/sambung/?token={_token_for(browser, BANDUNG)}&next=/")
    assert browser.get("http://kota-bandung.localhost/").wsgi_request.user == citizen

    assert browser.post("/akun/logout/", {})["Location"] == "/"

    assert browser.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous


def test_the_continue_page_refuses_targets_outside_warga(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)
    for target in ("http://evil.example/", "https://localhost.evil.example/", "javascript:alert(1)", "/relative"):
        response = browser.get("/akun/lanjut/?" + urlencode({"ke": target}))
        assert response.status_code == 400, target
        assert response.content.decode() == "Alamat tujuan bukan alamat Warga. (The target is not a Warga address.)"


def test_a_hand_off_never_sends_the_browser_to_another_site(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)
    token = _token_for(browser, BANDUNG)
    connect = browser.get(f"http://kota-bandung.localhost/akun/sambung/?token={token}&next=//evil.example/")
    assert connect["Location"] == "/"
    assert browser.session(BANDUNG)["_auth_user_id"] == str(citizen.pk)


def test_an_anonymous_visitor_is_checked_once_and_then_served(db: None) -> None:
    browser = Browser()
    response = browser.get("http://kota-bandung.localhost/", **NAVIGATION)
    central = browser.get(response["Location"])
    assert central["Location"] == "http://kota-bandung.localhost/akun/sambung/?next=%2F"
    assert browser.get(central["Location"])["Location"] == "/"
    home = browser.get("http://kota-bandung.localhost/", **NAVIGATION)
    assert home.status_code == 200
    assert home.wsgi_request.user.is_anonymous


def test_api_calls_and_non_browser_clients_are_never_bounced(db: None) -> None:
    assert Client().get("/", HTTP_HOST=BANDUNG).status_code == 200
    assert Client().get("/healthz", HTTP_HOST=BANDUNG, **NAVIGATION).status_code != 302
    assert Client().get("/api/v1/", HTTP_HOST=BANDUNG, **NAVIGATION).status_code != 302


def test_sessions_on_every_host_are_listed_and_revocable_centrally(citizen: User) -> None:
    laptop = _signed_in_centrally(citizen)
    laptop.get(f"http://kota-bandung.localhost/akun/sambung/?token={_token_for(laptop, BANDUNG)}&next=/")
    assert laptop.get("http://kota-bandung.localhost/").wsgi_request.user == citizen

    listing = laptop.get("/akun/sessions/")
    assert listing.status_code == 200
    assert {session.session_key for session in listing.context["sessions"]} == {
        laptop.session(CENTRAL).session_key,
        laptop.session(BANDUNG).session_key,
    }

    # From another device: "sign out other sessions" ends the laptop on both hosts.
    phone = _signed_in_centrally(citizen)
    assert phone.post("/akun/sessions/", {}).status_code == 302
    assert laptop.get("/").wsgi_request.user.is_anonymous
    assert laptop.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous
    assert phone.get("/").wsgi_request.user == citizen


def test_a_central_link_without_a_state_first_fetches_one_from_the_government_host(citizen: User) -> None:
    browser = _signed_in_centrally(citizen)
    central = browser.get("/akun/lanjut/?ke=http://kota-bandung.localhost/kantor/")
    assert central["Location"] == "http://kota-bandung.localhost/akun/sambung/?mulai=1&next=%2Fkantor%2F"
    start = browser.get(central["Location"])
    state = _state_of(browser, BANDUNG)
    assert start["Location"] == (
        f"http://localhost/akun/lanjut/?ke=http%3A%2F%2Fkota-bandung.localhost%2Fkantor%2F&state={state}"
    )
    handoff = browser.get(start["Location"])
    connect = browser.get(handoff["Location"])
    assert connect["Location"] == "/kantor/"
    assert browser.session(BANDUNG)["_auth_user_id"] == str(citizen.pk)


def test_a_token_minted_for_the_attackers_account_does_not_sign_a_victim_in(citizen: User) -> None:
    """Login CSRF: the attacker signs in as themself, asks for a Bandung token, and makes the
    victim's browser open the connect link (a link, an <img>). The victim's browser holds no
    state of the attacker's: nobody is signed in there, and the token is spent."""
    attacker = _signed_in_centrally(citizen)
    token = _token_for(attacker, BANDUNG)

    victim = Browser()
    victim.get("http://kota-bandung.localhost/akun/login/?next=/")  # the victim has a state of its own
    response = victim.get(f"http://kota-bandung.localhost/akun/sambung/?token={token}&next=/kantor/")

    assert response.status_code == 302
    assert "_auth_user_id" not in victim.session(BANDUNG)
    assert victim.get("http://kota-bandung.localhost/").wsgi_request.user.is_anonymous
    # Spent by the attempt: the attacker cannot use it either.
    attacker.get(f"http://kota-bandung.localhost/akun/sambung/?token={token}&next=/")
    assert "_auth_user_id" not in attacker.session(BANDUNG)
