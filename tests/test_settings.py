"""Settings are read strictly from the environment, and production settings pass Django's
deployment checks. Each case starts a fresh process, as a deploy would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Production needs a real SMS gateway for sign-in codes and a shared cache for rate limits
# (neither is called here).
PRODUCTION_SERVICES = {
    "WARGA_SMS_HTTP_URL": "https://sms.example.id/send",
    "WARGA_SMS_HTTP_TOKEN": "token",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WARGA_MFA_ENCRYPTION_KEYS": secrets.token_urlsafe(50),
    "WARGA_REPORT_INDEX_KEY": secrets.token_urlsafe(50),
}


def _manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WARGA_"))}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "postgresql://postgres@localhost/warga")
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WARGA_BASE_DOMAIN="warga.go.id",
        **PRODUCTION_SERVICES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checks_flag_what_weakens_sign_in() -> None:
    """Warga's own deploy checks: TOTP secrets under a key of their own, host-only cookies."""
    production = PRODUCTION_SERVICES | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "WARGA_BASE_DOMAIN": "warga.go.id",
    }
    del production["WARGA_MFA_ENCRYPTION_KEYS"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode != 0
    assert "(warga.W001) TOTP secrets are encrypted with a key derived from DJANGO_SECRET_KEY." in result.stderr
    assert "warga.W002" not in result.stderr
    assert "warga.W003" not in result.stderr


def test_the_deployment_checks_flag_an_index_key_derived_from_the_secret_key() -> None:
    production = PRODUCTION_SERVICES | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "WARGA_BASE_DOMAIN": "warga.go.id",
    }
    del production["WARGA_REPORT_INDEX_KEY"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode != 0
    assert "(warga.W003) The key of the rahasia report index is derived from DJANGO_SECRET_KEY." in result.stderr


def test_a_staging_host_on_plain_http_refuses_the_development_secret() -> None:
    result = _manage("check", WARGA_BASE_DOMAIN="staging.warga.go.id", WARGA_HTTPS="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set outside development." in result.stderr


def test_production_refuses_to_start_with_the_development_secret() -> None:
    result = _manage("check", WARGA_BASE_DOMAIN="warga.go.id")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set outside development." in result.stderr


def test_production_refuses_to_log_sign_in_codes_instead_of_sending_them() -> None:
    result = _manage(
        "check", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), WARGA_BASE_DOMAIN="warga.go.id", REDIS_URL="redis://r"
    )
    assert result.returncode != 0
    assert "WARGA_SMS_HTTP_URL (with WARGA_SMS_HTTP_TOKEN) or WARGA_SMS_SENDER must be set outside development" in (
        result.stderr
    )
    chosen = _manage(
        "check",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WARGA_BASE_DOMAIN="warga.go.id",
        WARGA_SMS_SENDER="warga.accounts.sms.ConsoleSmsSender",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr


def test_production_refuses_per_process_rate_limits() -> None:
    services = {key: value for key, value in PRODUCTION_SERVICES.items() if key != "REDIS_URL"}
    result = _manage("check", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), WARGA_BASE_DOMAIN="warga.go.id", **services)
    assert result.returncode != 0
    assert "REDIS_URL must be set outside development" in result.stderr


def test_a_bad_value_stops_start_up_naming_the_variable() -> None:
    result = _manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(50) + "\n")
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY_FILE=str(secret),
        WARGA_BASE_DOMAIN="warga.go.id",
        **PRODUCTION_SERVICES,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_database_url_says_how_to_set_it() -> None:
    env_without_database = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env_without_database,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_a_malformed_api_rate_stops_start_up_naming_the_variable() -> None:
    result = _manage("check", WARGA_API_RATE_KEY="600 per minute")
    assert result.returncode != 0
    assert "WARGA_API_RATE_KEY='600 per minute' is not a number of requests per second" in result.stderr
