"""Warga's settings: one module for every environment, everything that varies read from the
environment through `config.env` (strict: a bad value stops start-up naming the variable).

There is no production-only code path: development differs only in the values below.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from config import env
from config.caches import caches_for, session_engine_for
from config.logs import logging_config

# Lets admin.ModelAdmin[Model], QuerySet[Model] and friends be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env.string("WARGA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DJANGO_DEBUG", False)
# Not a secret: the placeholder that production refuses to start with (checked below).
_DEVELOPMENT_SECRET = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = env.string("DJANGO_SECRET_KEY", _DEVELOPMENT_SECRET)
# The keys before the current one, while a rotation is under way (deploy/README.md, "Rotating
# secrets"): sessions, signed links and API keys made under them are still accepted.
SECRET_KEY_FALLBACKS = env.string_list("DJANGO_SECRET_KEY_FALLBACKS", [])

# Hosts: the shared citizen app is served on the base domain itself (the public schema); every
# regional government on `<slug>.<base domain>`. `localhost` subdomains resolve with no DNS set-up.
WARGA_BASE_DOMAIN = env.string("WARGA_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = env.string_list("DJANGO_ALLOWED_HOSTS", [WARGA_BASE_DOMAIN, f".{WARGA_BASE_DOMAIN}", "127.0.0.1"])
WARGA_PUBLIC_HOSTS = frozenset(env.string_list("WARGA_PUBLIC_HOSTS", [WARGA_BASE_DOMAIN, "127.0.0.1"]))
WARGA_HOST_CACHE_SECONDS = env.integer("WARGA_HOST_CACHE_SECONDS", 30, minimum=0)
# The port in links that tasks write into notifications (no request to read it from): 0 for the
# scheme's standard port, as in production; `deploy/dev.py run` sets the development server's.
WARGA_LINK_PORT = env.integer("WARGA_LINK_PORT", 0, minimum=0)

# --- Applications and their scope ------------------------------------------------------------
# Every project app declares its scope in its AppConfig (`scope = "public"` or `"tenant"`);
# tests/test_layout.py fails when the declaration and the lists below disagree.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Before allauth and the admin: its templates override theirs (allauth/layouts/base.html).
    "frontend",
    "django.contrib.admin",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "django.contrib.humanize",  # the session list's templates use it
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files
    "warga.accounts",
    "warga.notifications_public",
    "warga.access",
    "warga.web",
    "warga.data_rights",
    "warga.regions",
    "warga.health",
    "warga.onboarding",
    "warga.taxonomy",
    "warga.intake",
    "warga.national",
    "warga.triage",
    "warga.billing",
    "csp",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "warga.diagnostics",
    "warga.organization",
    "warga.privacy",
    "warga.reports",
    "warga.outbox",
    "warga.workcalendar",
    "warga.routing",
    "warga.notifications",
    "warga.webhooks",
]
# Google sign-in exists only when its OAuth client is configured (see the Accounts block).
_GOOGLE_CLIENT_ID = env.string("WARGA_GOOGLE_CLIENT_ID", "")
if _GOOGLE_CLIENT_ID:
    SHARED_APPS.append("allauth.socialaccount.providers.google")
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Government"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New governments are cloned from this hidden tenant, which is migrated with the fleet.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.integer("WARGA_MIGRATION_PROCESSES", 2, minimum=1)
TENANT_MULTIPROCESSING_CHUNKS = 8

MIDDLEWARE = [
    # First: the request id (X-Request-ID) and one access line per request (config.logs).
    "config.logs.RequestLogMiddleware",
    # Before anything reads a body or looks the host up (warga.web.body_limit).
    "warga.web.body_limit.RequestBodyLimitMiddleware",
    "tenants.middleware.GovernmentHostMiddleware",
    # Times every request by view and host kind (warga.health.metrics), refusals included.
    "warga.health.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # An allauth RateLimited or a spent SMS budget answers 429/503 with Retry-After, not 500.
    "frontend.signin_views.RateLimitedMiddleware",
    # allauth's UserSessionsMiddleware, throttled to one write a minute per session.
    "warga.accounts.middleware.UserSessionsActivityMiddleware",
    "warga.web.signin.GovernmentSignInMiddleware",
    # After the sign-in middleware, which may end a government session: tells the policy
    # whether this session typed its TOTP code (warga.web.mfa).
    "warga.web.mfa.MfaSessionMiddleware",
]

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_database = env.database("DATABASE_URL")
_database["ENGINE"] = "tenants.postgresql_backend"  # django-tenants' backend, see its module
_database["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# `default` keys are prefixed with the current schema; `shared` is one namespace for all
# tenants, for counters that must not multiply per tenant host (rate limits) and sessions.
REDIS_URL = env.string("REDIS_URL", "")
CACHES = caches_for(REDIS_URL)
# Sessions: cached in Redis and written through to the database when there is a Redis, else
# in the database only (docs/decisions/0150). Cached under `shared`: the central host and the
# government hosts must see one entry per session, or a session ended on one host would live
# on in another host's copy (warga.web.signin checks the central session from every host).
SESSION_ENGINE = session_engine_for(REDIS_URL)
SESSION_CACHE_ALIAS = "shared"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "warga.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
# Sign in with a one-time code sent by email or, for a phone number, by SMS.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# Eight digits, typed on a phone's number pad from an SMS (or filled in by the phone); three
# wrong tries end a code. With the per-number limits below, a year of guessing at one number
# has under a 0.01 % chance (docs/security.md, "Sign-in codes").
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 8, "dashed": False}
# Codes by email: eight characters from allauth's 20-letter alphabet.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": False, "length": 8, "dashed": True}
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_FORMS = {"request_login_code": "warga.accounts.forms.RequestLoginCodeForm"}
# Per number or email address, counted in the `shared` cache (warga.accounts.signin_codes): codes
# requested per 24 hours, wrong codes per 24 hours before sign-in by code is locked, and how long.
WARGA_SIGNIN_CODES_PER_DAY = env.integer("WARGA_SIGNIN_CODES_PER_DAY", 5, minimum=1)
WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT = env.integer("WARGA_SIGNIN_CODE_FAILURES_BEFORE_LOCKOUT", 10, minimum=1)
WARGA_SIGNIN_CODE_LOCKOUT_SECONDS = env.integer("WARGA_SIGNIN_CODE_LOCKOUT_SECONDS", 86_400, minimum=60)
# Phone verification codes (sign-up, a changed number) per number per day, and per client IP per
# minute: generous, since a mobile carrier puts many citizens behind one address (carrier NAT);
# SMS abuse is held by the Indonesian-only rule, the per-number limits and the hourly budget.
WARGA_PHONE_CODES_PER_IP_PER_MINUTE = env.integer("WARGA_PHONE_CODES_PER_IP_PER_MINUTE", 10, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "verify_phone": (f"1/30s/key,{WARGA_PHONE_CODES_PER_IP_PER_MINUTE}/m/ip,{WARGA_SIGNIN_CODES_PER_DAY}/1d/key"),
}
# The SMS sender (sign-in codes and notifications) is chosen in the Notification channels block.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.string("WARGA_EMAIL_VERIFICATION", "mandatory")
# allauth counts its rate limits (login, sign-up, codes) in the `default` cache, whose keys carry
# the current schema. Its pages are served on the central host only (government hosts redirect
# there, docs/decisions/0006), so every counter lives in the one `public` namespace and cannot be
# multiplied by using many government hosts. Our own limits use the `shared` cache
# (warga.web.ratelimit).
LOGIN_URL = "/akun/login/"
LOGIN_REDIRECT_URL = "/"
# Officials must hold an activated TOTP authenticator (warga.access.officials); recovery codes
# are the way back in when the phone is lost.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.string("WARGA_MFA_ISSUER", "Warga")
# TOTP secrets and recovery-code seeds are encrypted at rest (warga.accounts.mfa_adapter) with
# keys derived from these secrets: the first encrypts, every one decrypts (list an old one after
# the new one while rotating). By default the Django secret key, so that rotating that one
# alone would lock every official out: set a key of its own in production.
MFA_ADAPTER = "warga.accounts.mfa_adapter.MfaAdapter"
WARGA_MFA_ENCRYPTION_KEYS = env.string_list("WARGA_MFA_ENCRYPTION_KEYS", [SECRET_KEY])
# Sessions (one per host signed in to) are listed and revocable at /akun/sessions/ on the
# central host. Tracking keeps each row's session key current (without it a session whose key
# changed after sign-in drops out of the list) and records "last seen"; the middleware that does
# it writes at most once a minute per session (warga.accounts.middleware).
USERSESSIONS_TRACK_ACTIVITY = True
# Google sign-in, offered only when its OAuth client is configured (on the central host, whose
# callback URL is the one registered with Google: providers reject wildcard hosts).
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = (
    {
        "google": {
            "APPS": [{"client_id": _GOOGLE_CLIENT_ID, "secret": env.string("WARGA_GOOGLE_CLIENT_SECRET"), "key": ""}],
            "SCOPE": ["openid", "email", "profile"],
            "AUTH_PARAMS": {"prompt": "select_account"},
        }
    }
    if _GOOGLE_CLIENT_ID
    else {}
)
# A Google account's address is verified by Google: it signs in without a second check.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# The controller of the national citizen app and its data protection officer (PPDP), shown on
# the public host's privacy notice. Each government names its own PPDP (warga.privacy).
WARGA_PRIVACY_CONTROLLER = env.string("WARGA_PRIVACY_CONTROLLER", "Penyelenggara Platform Warga")
WARGA_PRIVACY_DPO_EMAIL = env.string("WARGA_PRIVACY_DPO_EMAIL", f"ppdp@{WARGA_BASE_DOMAIN}")
# How long a person's personal-data export stays downloadable from their account page.
WARGA_PERSONAL_DATA_EXPORT_DAYS = env.integer("WARGA_PERSONAL_DATA_EXPORT_DAYS", 7, minimum=1)

# The operators, mailed when something needs them now (the hourly SMS budget is reached, server
# errors): comma-separated addresses.
ADMINS = [(address, address) for address in env.string_list("WARGA_OPERATOR_EMAILS", [])]
for _address in ADMINS:
    if "@" not in _address[1]:
        raise ImproperlyConfigured(f"WARGA_OPERATOR_EMAILS={_address[1]!r} is not an email address.")
EMAIL_BACKEND = env.string("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Warga <no-reply@warga.localhost>")

# --- Notification channels ------------------------------------------------------------------
# In-app and email are always on. SMS, WhatsApp and web push are on only when their sender is
# configured here; a channel that is off is neither offered to people nor ever queued
# (warga.notifications.selectors.notification_channels_offered). A gateway's URL makes its
# HTTP sender the default.
WARGA_SMS_HTTP_URL = env.http_url("WARGA_SMS_HTTP_URL")
WARGA_SMS_HTTP_TOKEN = env.string("WARGA_SMS_HTTP_TOKEN", "")
WARGA_SMS_HTTP_TIMEOUT = env.seconds("WARGA_SMS_HTTP_TIMEOUT", 10.0)
# The name or number recipients see as the sender (an alphanumeric sender ID is at most 11).
WARGA_SMS_HTTP_SENDER_ID = env.matching(
    "WARGA_SMS_HTTP_SENDER_ID",
    "",
    pattern=r"[A-Za-z0-9 ]{1,11}|\+[1-9]\d{6,14}",
    meaning="a sender ID of 1-11 letters, digits or spaces, or a number in +62... form",
)
# Text messages of every kind (codes, notices, notifications) per clock hour for the whole
# installation, counted in the `shared` cache. Reaching it logs an error and mails ADMINS;
# further messages wait for the next hour (docs/decisions/0026).
WARGA_SMS_BUDGET_PER_HOUR = env.integer("WARGA_SMS_BUDGET_PER_HOUR", 500, minimum=1)
_HTTP_SMS_SENDER = "warga.notifications.sms.HttpSmsSender"
# Development and the test suite log SMS (sign-in codes too) when no gateway is configured.
WARGA_SMS_SENDER = env.dotted_path(
    "WARGA_SMS_SENDER", _HTTP_SMS_SENDER if WARGA_SMS_HTTP_URL else "warga.accounts.sms.ConsoleSmsSender"
)
WARGA_WHATSAPP_HTTP_URL = env.http_url("WARGA_WHATSAPP_HTTP_URL")
WARGA_WHATSAPP_HTTP_TOKEN = env.string("WARGA_WHATSAPP_HTTP_TOKEN", "")
WARGA_WHATSAPP_HTTP_TIMEOUT = env.seconds("WARGA_WHATSAPP_HTTP_TIMEOUT", 10.0)
# Messages a business starts must be approved templates; with none named, plain text is sent
# (accepted only within 24 hours of the person's last message, or by gateways that allow it).
WARGA_WHATSAPP_TEMPLATE = env.matching(
    "WARGA_WHATSAPP_TEMPLATE", "", pattern=r"[a-z0-9_]{1,512}", meaning="a template name (a-z, 0-9, _)"
)
WARGA_WHATSAPP_TEMPLATE_LANGUAGE = env.matching(
    "WARGA_WHATSAPP_TEMPLATE_LANGUAGE", "id", pattern=r"[a-z]{2,3}(_[A-Z]{2})?", meaning="a language code such as id"
)
_HTTP_WHATSAPP_SENDER = "warga.notifications.whatsapp.HttpWhatsAppSender"
WARGA_WHATSAPP_SENDER = env.dotted_path(
    "WARGA_WHATSAPP_SENDER", _HTTP_WHATSAPP_SENDER if WARGA_WHATSAPP_HTTP_URL else ""
)
# An HTTP gateway chosen without its address or token would fail every message: refuse to start.
_GATEWAY_NEEDS = {
    _HTTP_SMS_SENDER: {"WARGA_SMS_HTTP_URL": WARGA_SMS_HTTP_URL, "WARGA_SMS_HTTP_TOKEN": WARGA_SMS_HTTP_TOKEN},
    _HTTP_WHATSAPP_SENDER: {
        "WARGA_WHATSAPP_HTTP_URL": WARGA_WHATSAPP_HTTP_URL,
        "WARGA_WHATSAPP_HTTP_TOKEN": WARGA_WHATSAPP_HTTP_TOKEN,
    },
}
for _sender in (WARGA_SMS_SENDER, WARGA_WHATSAPP_SENDER):
    for _name, _value in _GATEWAY_NEEDS.get(_sender, {}).items():
        if not _value:
            raise ImproperlyConfigured(f"{_name} is not set: the HTTP gateway {_sender} needs it.")
# Web push (VAPID, RFC 8292): on when the key pair and the operator's contact are set.
WARGA_VAPID_PRIVATE_KEY, WARGA_VAPID_PUBLIC_KEY, WARGA_VAPID_SUBJECT = env.vapid_keys(
    "WARGA_VAPID_PRIVATE_KEY", "WARGA_VAPID_PUBLIC_KEY", "WARGA_VAPID_SUBJECT"
)
WARGA_PUSH_TIMEOUT = env.seconds("WARGA_PUSH_TIMEOUT", 10.0)
# Browsers' push services. A subscription names the URL the server will POST to, so only these
# hosts (and their subdomains) are accepted: anything else would let a user aim the worker at
# an address of their choosing.
WARGA_PUSH_SERVICE_HOSTS = tuple(
    host.lower()
    for host in env.string_list(
        "WARGA_PUSH_SERVICE_HOSTS",
        [
            "fcm.googleapis.com",
            "push.services.mozilla.com",
            "notify.windows.com",
            "push.apple.com",
        ],
    )
)

# --- Billing (Stripe) -------------------------------------------------------------------------
# Off without a secret key: every government is then treated as active and the operator's pages
# say so (warga.billing, docs/billing.md). The national government is never billed.
WARGA_STRIPE_SECRET_KEY = env.matching(
    "WARGA_STRIPE_SECRET_KEY",
    "",
    pattern=r"(sk|rk)_(test|live)_[A-Za-z0-9]+",
    meaning="a Stripe secret or restricted key (sk_test_..., sk_live_..., rk_...)",
)
WARGA_BILLING_ENABLED = bool(WARGA_STRIPE_SECRET_KEY)
WARGA_STRIPE_WEBHOOK_SECRET = env.matching(
    "WARGA_STRIPE_WEBHOOK_SECRET", "", pattern=r"whsec_[A-Za-z0-9]+", meaning="a webhook signing secret (whsec_...)"
)
# Seconds a signed webhook stays acceptable after Stripe signed it (replays older than this fail).
WARGA_STRIPE_WEBHOOK_TOLERANCE = env.integer("WARGA_STRIPE_WEBHOOK_TOLERANCE", 300, minimum=1)
# Empty: Stripe's own API. Set only to reach a stand-in such as stripe-mock.
WARGA_STRIPE_API_BASE = env.http_url("WARGA_STRIPE_API_BASE")
WARGA_STRIPE_NETWORK_RETRIES = env.integer("WARGA_STRIPE_NETWORK_RETRIES", 2, minimum=0)
# Each plan's Stripe Price per interval: `plan-code:month=price_...,plan-code:year=price_...`.
# A plan without a price for an interval is not offered for it.
WARGA_STRIPE_PRICES = env.key_values(
    "WARGA_STRIPE_PRICES",
    key_pattern=r"[a-z0-9-]+:(month|year)",
    value_pattern=r"price_[A-Za-z0-9]+",
    meaning="plan-code:month=price_... or plan-code:year=price_...",
)
WARGA_BILLING_TRIAL_DAYS = env.integer("WARGA_BILLING_TRIAL_DAYS", 30, minimum=0)
# After a failed payment premium features keep working this long, with reminders this often.
WARGA_BILLING_GRACE_DAYS = env.integer("WARGA_BILLING_GRACE_DAYS", 14, minimum=0)
WARGA_BILLING_REMINDER_DAYS = env.integer("WARGA_BILLING_REMINDER_DAYS", 3, minimum=1)
# A webhook secret is what makes Stripe's word reach Warga: without it every payment would go
# unseen and governments would lose premium features they paid for.
if WARGA_BILLING_ENABLED and not DEBUG and not WARGA_STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "WARGA_STRIPE_WEBHOOK_SECRET (or WARGA_STRIPE_WEBHOOK_SECRET_FILE) must be set when WARGA_STRIPE_SECRET_KEY "
        "is: without it Stripe's webhooks cannot be verified and no payment would be seen."
    )

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Bundles built by esbuild carry a content hash in their names: cached for a year.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/dist/.+-[A-Z0-9]{8}\.\w+$"

# --- Maps -----------------------------------------------------------------------------------
# Tiles come from the configured server; pages stay usable (lists, village search) without them.
WARGA_MAP_TILE_URL = env.matching(
    "WARGA_MAP_TILE_URL",
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    pattern=r"https?://[^\s/]+/\S*\{z\}\S*\{x\}\S*\{y\}\S*",
    meaning="a tile URL template with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png",
)
WARGA_MAP_TILE_ATTRIBUTION = env.string(
    "WARGA_MAP_TILE_ATTRIBUTION", "© kontributor OpenStreetMap (openstreetmap.org/copyright)"
)
# The tile server as a CSP image source; a `{s}` subdomain placeholder becomes a wildcard.
_MAP_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(WARGA_MAP_TILE_URL)).replace("{s}", "*")

# --- Region reference data ------------------------------------------------------------------
WARGA_REGION_DATA_DIR = Path(
    env.string("WARGA_REGION_DATA_DIR", str(BASE_DIR / "frontend" / "node_modules" / "idn-area-data" / "data"))
)

# --- Celery ---------------------------------------------------------------------------------
# With no broker configured the embedded default is kombu's filesystem transport under var/:
# nothing to install, durable across restarts, real worker processes (docs/decisions/0003).
CELERY_BROKER_URL = env.string("CELERY_BROKER_URL", "filesystem://")
_queue_dir = VAR_DIR / "celery"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        # The transport polls its folder; its default of 1 s after every empty read caps a
        # worker near one task a second (docs/performance.md, intake). 0.1 s costs nothing.
        "polling_interval": 0.1,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# The queue every task goes to and workers consume (`-Q`). Overridable so that several test
# runs or CI jobs sharing one RabbitMQ/Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.string("CELERY_TASK_DEFAULT_QUEUE", "default")
# Queues by urgency (docs/decisions/0047): what a person is waiting for never queues behind
# bulk work. Named after the default queue, so a run with its own default queue has its own
# queues. Workers consume them by name (`-Q`): deploy/dev.py, deploy/compose.yaml, deploy/k8s.
WARGA_QUEUES = {
    "urgent": f"{CELERY_TASK_DEFAULT_QUEUE}.urgent",
    "default": CELERY_TASK_DEFAULT_QUEUE,
    "bulk": f"{CELERY_TASK_DEFAULT_QUEUE}.bulk",
    # Calls to other organisations' servers (docs/decisions/0058): a slow or dead receiver
    # holds only its own worker, never a notification or a photo.
    "webhooks": f"{CELERY_TASK_DEFAULT_QUEUE}.webhooks",
}
# Every task by name -> its queue class; the one place routing is decided. A task missing here
# goes to the default queue, and tests/test_task_routes.py fails until it is classified.
WARGA_TASK_URGENCY = {
    # Someone waits for these: the officials told of a report, an escalation, the national view.
    "notifications.deliver": "urgent",
    "routing.escalate_overdue": "urgent",
    "national.relay_drain": "urgent",
    "national.relay_sweep": "urgent",
    # Short control work: the beat dispatcher (it only sends), offers, the echo health check.
    "tenants.for_each_ready_tenant": "default",
    "national.offers_for_government": "default",
    "national.offers_remind": "default",
    "diagnostics.echo": "default",
    # The passes that resend work whose task a broker outage lost (they only send).
    "notifications.resend_waiting": "default",
    "reports.photos_resend_waiting": "default",
    # Long or heavy work nobody watches finish: photos, exports, retention, surge scans.
    "reports.photo_process": "bulk",
    "personaldata.request_run": "bulk",
    "personaldata.requests_maintain": "bulk",
    "privacy.retention_apply": "bulk",
    "national.surges_flag": "bulk",
    "accounts.sessions_clear": "bulk",
    # A new government's schema, built when the operator approves its request: seconds of DDL
    # that must never hold up a notification (decision 0055).
    "onboarding.join_request_provision": "bulk",
    # Outbound webhooks, on their own queue and worker.
    "webhooks.deliver": "webhooks",
    "webhooks.deliver_due": "webhooks",
    # Billing: a Stripe event mirrored into a government's billing state; daily past-due reminders.
    "billing.event_process": "default",
    "billing.grace_remind": "default",
}
CELERY_TASK_ROUTES = {name: {"queue": WARGA_QUEUES[urgency]} for name, urgency in WARGA_TASK_URGENCY.items()}
# Declared, so that a worker started without `-Q` consumes all of them rather than only the default.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in WARGA_QUEUES.values()]
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BEAT_SCHEDULE_FILENAME = str(_queue_dir / "beat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic work on governments' data is sent through the dispatcher so each copy runs in a ready
# government's schema (tenants.tasks.for_each_ready_tenant). One key per job: add entries, keep
# the others.
# Beat's fan-out jobs by task name -> a selector returning the rows the job would act on (or a
# superset), asked of every schema in a few statements before the dispatcher sends anything: the
# job goes only into governments holding such rows (docs/decisions/0125). None: every ready
# government, on purpose. tests/tenants/test_fan_out_probes.py fails on a fan-out job not listed.
WARGA_FAN_OUT_PROBES: dict[str, str | None] = {
    "notifications.resend_waiting": "warga.notifications.selectors.notifications_waiting_for_their_task",
    "reports.photos_resend_waiting": "warga.reports.selectors.photos_waiting_for_their_task",
    "routing.escalate_overdue": "warga.routing.selectors.routings_overdue",
    "webhooks.deliver_due": "warga.webhooks.selectors.deliveries_due",
    # Daily, on the bulk queue, and its cut-off is each government's own retention period (a
    # row in its schema): a probe would need a join, and 547 tasks a day hold up nobody.
    "privacy.retention_apply": None,
}
# How long a queued notification or a waiting photo may wait for its task before the resend
# pass sends it again, and how often that pass runs.
WARGA_RESEND_WAITING_SECONDS = env.integer("WARGA_RESEND_WAITING_SECONDS", 120, minimum=1)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # The national read model's backstop: every government's outbox drained at least this often.
    # Each outbox write already nudges its government's relay (warga.outbox.services), so this
    # pass only catches what a lost nudge left: it probes every outbox in a few statements and
    # sends the relay only where events wait (national.relay_sweep, docs/performance.md).
    "national-relay": {
        "task": "national.relay_sweep",
        "schedule": env.integer("WARGA_NATIONAL_RELAY_SECONDS", 60, minimum=1),
        "kwargs": {"jitter_seconds": 5},
    },
    # Work committed while the broker was down (a queued notification, a photo waiting for its
    # task) is sent again: the rows are the record, the broker only the messenger (0063).
    "notifications-resend-waiting": {
        "task": "tenants.for_each_ready_tenant",
        "schedule": WARGA_RESEND_WAITING_SECONDS,
        "kwargs": {"task_name": "notifications.resend_waiting", "jitter_seconds": WARGA_RESEND_WAITING_SECONDS // 4},
    },
    "photos-resend-waiting": {
        "task": "tenants.for_each_ready_tenant",
        "schedule": WARGA_RESEND_WAITING_SECONDS,
        "kwargs": {"task_name": "reports.photos_resend_waiting", "jitter_seconds": WARGA_RESEND_WAITING_SECONDS // 4},
    },
    # Surges in the national read model, flagged and told to the overseers. Public-schema work
    # done once for the whole country, so sent directly rather than through the dispatcher.
    "national-surges": {
        "task": "national.surges_flag",
        "schedule": env.integer("WARGA_SURGE_CHECK_SECONDS", 600, minimum=60),
    },
    # Offers from the triage desk still waiting for a government's decision are recalled to
    # its deciders, once a week each (a newly seated admin koordinator learns of them in a day).
    "national-offers-remind": {"task": "national.offers_remind", "schedule": 86_400.0},
    # Overdue routing steps escalate to the next position in the chain (warga.routing).
    "routing-escalate-overdue": {
        "task": "tenants.for_each_ready_tenant",
        "schedule": 300.0,
        "kwargs": {"task_name": "routing.escalate_overdue", "jitter_seconds": 60},
    },
    # Reporters of reports ended longer ago than each government's retention period are
    # anonymised (warga.privacy, UU 27/2022).
    "privacy-retention": {
        "task": "tenants.for_each_ready_tenant",
        "schedule": 86_400.0,
        "kwargs": {"task_name": "privacy.retention_apply", "jitter_seconds": 3_600},
    },
    # Expired personal-data exports are deleted; data requests whose task was lost are sent
    # again (warga.data_rights). Public scope: sent as it is, it runs in `public`.
    "personaldata-maintain": {"task": "personaldata.requests_maintain", "schedule": 86_400.0},
    # Expired sessions are deleted (Django keeps their rows until told). Public scope.
    "accounts-sessions-clear": {"task": "accounts.sessions_clear", "schedule": 86_400.0},
    # Webhook deliveries whose retry time has come (warga.webhooks): retries hours away and
    # deliveries a lost task or a killed worker left pending.
    "webhooks-deliver-due": {
        "task": "tenants.for_each_ready_tenant",
        "schedule": env.integer("WARGA_WEBHOOK_SWEEP_SECONDS", 60, minimum=5),
        "kwargs": {"task_name": "webhooks.deliver_due", "jitter_seconds": 15},
    },
    # Admins of governments whose payment failed are reminded during the grace period. Public scope.
    "billing-grace-remind": {"task": "billing.grace_remind", "schedule": 86_400.0},
}
# Outbound webhooks (docs/webhooks.md): how long a receiver may take to answer, and whether
# deliveries may go over plain http to this machine or a private network. Only development
# allows that (DEBUG); anywhere else the URL must be https to a public address (no SSRF).
WARGA_WEBHOOK_TIMEOUT_SECONDS = env.integer("WARGA_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WARGA_WEBHOOKS_ALLOW_LOCAL = env.boolean("WARGA_WEBHOOKS_ALLOW_LOCAL", DEBUG)
WARGA_HEARTBEAT_SECONDS = env.integer("WARGA_HEARTBEAT_SECONDS", 15, minimum=1)

# --- API ------------------------------------------------------------------------------------
_RATE = r"^[1-9][0-9]*/(second|minute|hour|day)$"
_RATE_MEANING = "a number of requests per second, minute, hour or day, e.g. 120/minute"
REST_FRAMEWORK = {
    # drf-spectacular's, with what every operation shares (api.v1.openapi).
    "DEFAULT_SCHEMA_CLASS": "api.v1.openapi.WargaAutoSchema",
    # A key (Authorization: Bearer, or X-Api-Key) first; without one, the browser session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.v1.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Counted per IP, per account and per key in the `shared` cache (api.v1.authentication).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.v1.authentication.AnonymousThrottle",
        "api.v1.authentication.SessionThrottle",
        "api.v1.authentication.ApiKeyThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env.matching("WARGA_API_RATE_ANONYMOUS", "300/minute", pattern=_RATE, meaning=_RATE_MEANING),
        "session": env.matching("WARGA_API_RATE_SESSION", "600/minute", pattern=_RATE, meaning=_RATE_MEANING),
        "api_key": env.matching("WARGA_API_RATE_KEY", "600/minute", pattern=_RATE, meaning=_RATE_MEANING),
    },
}
# An API key's last use is written at most this often (seconds).
WARGA_API_KEY_LAST_USED_SECONDS = env.integer("WARGA_API_KEY_LAST_USED_SECONDS", 60, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Warga API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Citizens' reports to Indonesia's regional governments, on the public host (the shared citizen app) "
        "and on every government's host (`<slug>.<base domain>`): each operation answers on the hosts its "
        "description names, and is a 404 `not_found` saying where on any other. Sign in with a browser "
        "session (writes need the CSRF token) or send a government's API key as `Authorization: Bearer "
        "wrg_...`. Every refusal has one body, "
        '`{"error": {"code": ..., "message": ...}}`; 429 comes with `Retry-After`. '
        "A newcomer's guide with curl examples: docs/api.md in the source."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    # Both kinds of host's v1 routes in one schema (api/v1/public/ and api/v1/government/).
    "DEFAULT_GENERATOR_CLASS": "api.v1.openapi.WargaSchemaGenerator",
    # The areas as top-level tags, after drf-spectacular's own enum hook (api.v1.openapi).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.v1.openapi.add_area_tags"],
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN (api/docs.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Request sizes and public look-ups (docs/security.md) -------------------------------------
# Bodies over these sizes are answered 413 before a byte is read (warga.web.body_limit).
# Multipart carries up to five photos of at most 10 MB each; everything else is small JSON or
# a form. The reverse proxy must refuse the same sizes (deploy/README.md).
WARGA_MAX_BODY_BYTES = env.integer("WARGA_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
WARGA_MAX_MULTIPART_BYTES = env.integer("WARGA_MAX_MULTIPART_BYTES", 60 * 1024 * 1024, minimum=1024)
# Django's own limit on what it reads into memory (request.body, form fields) agrees.
DATA_UPLOAD_MAX_MEMORY_SIZE = WARGA_MAX_BODY_BYTES
# No form takes more than five photos: parsing stops at the eleventh file.
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Public look-ups by tracking number and photo fetches per client IP (an IPv6 /64 counts as
# one) per window, counted in the `shared` cache. A map page fetches many thumbnails, so photos
# get more; a person reading reports one by one never meets either limit.
WARGA_LOOKUP_IP_LIMIT = env.integer("WARGA_LOOKUP_IP_LIMIT", 60, minimum=1)
WARGA_LOOKUP_IP_WINDOW_SECONDS = env.integer("WARGA_LOOKUP_IP_WINDOW_SECONDS", 60, minimum=1)
WARGA_PHOTO_IP_LIMIT = env.integer("WARGA_PHOTO_IP_LIMIT", 300, minimum=1)
WARGA_PHOTO_IP_WINDOW_SECONDS = env.integer("WARGA_PHOTO_IP_WINDOW_SECONDS", 60, minimum=1)
# The key of the hash that stands for a rahasia report's reporter in the public report index
# (docs/decisions/0029). Derived from SECRET_KEY unless given: set it on its own in production,
# so that rotating SECRET_KEY does not cut citizens off from their rahasia reports.
WARGA_REPORT_INDEX_KEY_GIVEN = env.is_set("WARGA_REPORT_INDEX_KEY")  # check --deploy warns without it
WARGA_REPORT_INDEX_KEY = (
    env.string("WARGA_REPORT_INDEX_KEY", "")
    or hmac.new(SECRET_KEY.encode(), b"warga.intake.report-index", hashlib.sha256).hexdigest()
)
# Personal-data exports: at most one per account in this many hours.
WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS = env.integer("WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS", 24, minimum=0)
# Reveals of a rahasia report's reporter per official per window (each one also notifies the
# government's data protection officer).
WARGA_IDENTITY_REVEAL_LIMIT = env.integer("WARGA_IDENTITY_REVEAL_LIMIT", 5, minimum=1)
WARGA_IDENTITY_REVEAL_WINDOW_SECONDS = env.integer("WARGA_IDENTITY_REVEAL_WINDOW_SECONDS", 86_400, minimum=60)

# --- Metrics and error reports (deploy/README.md, "Metrics") ----------------------------------
# /metrics on the public host answers a scraper with this bearer token; unset, it does not exist.
WARGA_METRICS_TOKEN = env.string("WARGA_METRICS_TOKEN", "")
# A Celery worker serves its own metrics on this port (0: none), on this address.
WARGA_METRICS_PORT = env.integer("WARGA_METRICS_PORT", 0, minimum=0)
WARGA_METRICS_ADDRESS = env.string("WARGA_METRICS_ADDRESS", "0.0.0.0")  # noqa: S104 -- inside the pod or container
# Error reports to Sentry (or a compatible server) only when a DSN is given; personal data is
# scrubbed before anything leaves (warga.health.errors).
SENTRY_DSN = env.string("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env.string("SENTRY_ENVIRONMENT", "production")
if SENTRY_DSN:
    from warga.health.errors import error_reports_start

    error_reports_start(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)

# --- Security -------------------------------------------------------------------------------
# HTTPS is assumed everywhere except on the development base domain `localhost`.
WARGA_HTTPS = env.boolean("WARGA_HTTPS", WARGA_BASE_DOMAIN != "localhost")
# Refused on any base domain but the development one, HTTPS or not: a staging host on plain HTTP
# with the published placeholder would let anyone forge its sessions and signed links.
if (WARGA_HTTPS or WARGA_BASE_DOMAIN != "localhost") and SECRET_KEY == _DEVELOPMENT_SECRET:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set outside development.")
# Sign-in codes go through the SMS sender: outside development they must reach a phone, not
# only a log (where anyone reading logs could sign in as the citizen). A gateway, or an
# explicit choice of sender (e.g. the console one on a staging host), is required.
if WARGA_HTTPS and not WARGA_SMS_HTTP_URL and not env.is_set("WARGA_SMS_SENDER"):
    raise ImproperlyConfigured(
        "WARGA_SMS_HTTP_URL (with WARGA_SMS_HTTP_TOKEN) or WARGA_SMS_SENDER must be set outside development: "
        "without them sign-in codes would only be written to the log."
    )
# Rate limits (sign-in attempts, new reports per IP) are counted in the cache. A local-memory
# cache is one per process, so with several server processes every limit would multiply.
if WARGA_HTTPS and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set outside development: rate limits are counted in the cache, and the "
        "local-memory cache counts each server process separately."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("WARGA_BEHIND_TLS_PROXY", False) else None
# The proxies whose X-Forwarded-For is believed (addresses or networks). Empty: the client is
# REMOTE_ADDR and the header is ignored, so nobody can pick their own address
# (docs/decisions/0011, warga.web.client_ip).
WARGA_TRUSTED_PROXIES = env.networks("WARGA_TRUSTED_PROXIES", [])
# New reports per client IP (an IPv6 /64 counts as one) per window, on top of the per-account
# limits. Generous: carrier-grade NAT puts many citizens behind one mobile-network address.
WARGA_INTAKE_IP_LIMIT = env.integer("WARGA_INTAKE_IP_LIMIT", 120, minimum=1)
WARGA_INTAKE_IP_WINDOW_SECONDS = env.integer("WARGA_INTAKE_IP_WINDOW_SECONDS", 600, minimum=1)
# Citizens' comments and "saya juga" per account per hour (ten times as many per IP, for
# carrier NAT): far above what a person does by hand, far below what a script would.
WARGA_COMMENT_LIMIT_PER_HOUR = env.integer("WARGA_COMMENT_LIMIT_PER_HOUR", 30, minimum=1)
WARGA_SUPPORT_LIMIT_PER_HOUR = env.integer("WARGA_SUPPORT_LIMIT_PER_HOUR", 120, minimum=1)
SECURE_SSL_REDIRECT = WARGA_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the cluster
SECURE_HSTS_SECONDS = env.integer("WARGA_HSTS_SECONDS", 31_536_000 if WARGA_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = WARGA_HTTPS  # every government is a subdomain of the base domain
SECURE_HSTS_PRELOAD = env.boolean("WARGA_HSTS_PRELOAD", WARGA_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = WARGA_HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = WARGA_HTTPS
# Every cookie is host-only (docs/decisions/0006: no cookie is shared between the central host
# and the government hosts), so over HTTPS each takes the `__Host-` prefix: the browser then
# refuses one set with a Domain, a path other than / or without Secure, e.g. by a sibling
# government host trying to plant its own session or CSRF cookie here. Plain-HTTP development
# cannot use the prefix (it requires Secure) and goes without it.
WARGA_COOKIE_PREFIX = "__Host-" if WARGA_HTTPS else ""
SESSION_COOKIE_NAME = f"{WARGA_COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{WARGA_COOKIE_PREFIX}csrftoken"
# The government host's state that binds a sign-in hand-over to the browser (warga.web.handoff).
WARGA_HANDOFF_STATE_COOKIE = f"{WARGA_COOKIE_PREFIX}warga_sambung"
X_FRAME_OPTIONS = "DENY"
# Every government host as a CSP source (development servers run on any port).
WARGA_GOVERNMENT_HOSTS_SOURCE = f"https://*.{WARGA_BASE_DOMAIN}" if WARGA_HTTPS else f"http://*.{WARGA_BASE_DOMAIN}:*"
# Content Security Policy (django-csp): only our own origin; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", _MAP_TILE_ORIGIN],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Signing in on the central host ends in a redirect back to a government host, which
        # form-action also governs (docs/decisions/0006).
        "form-action": ["'self'", WARGA_GOVERNMENT_HOSTS_SOURCE],
    }
}

# JSON lines in production, readable text in development; each line names its request id,
# schema, government and account id, never personal data (config/logs.py, decision 0096).
WARGA_LOG_FORMAT = env.matching(
    "WARGA_LOG_FORMAT", "text" if DEBUG else "json", pattern="json|text", meaning="json or text"
)
LOGGING = logging_config(kind=WARGA_LOG_FORMAT, level=env.string("WARGA_LOG_LEVEL", "INFO"))
