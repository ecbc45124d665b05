"""The notification channels' settings are parsed strictly at start-up: a bad gateway URL,
a gateway without its token or a VAPID key pair that does not belong together stops the
process naming the variable; unset channels are simply off. Each case starts a fresh process."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.test_settings import _manage

PRINT_CHANNELS = (
    "from django.conf import settings as s; "
    "from warga.notifications.selectors import notification_channels_offered as o; "
    "print(sorted(str(c) for c in o()), s.WARGA_SMS_SENDER, s.WARGA_WHATSAPP_SENDER or '-')"
)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _vapid_pair() -> tuple[ec.EllipticCurvePrivateKey, str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, _b64url(key.private_numbers().private_value.to_bytes(32, "big")), _b64url(public)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            {"WARGA_SMS_HTTP_URL": "ftp://sms.example/kirim"},
            "WARGA_SMS_HTTP_URL='ftp://sms.example/kirim' is not an http:// or https:// URL",
        ),
        ({"WARGA_SMS_HTTP_URL": "https://sms.example/kirim"}, "WARGA_SMS_HTTP_TOKEN is not set: the HTTP gateway"),
        ({"WARGA_SMS_HTTP_TIMEOUT": "0"}, "WARGA_SMS_HTTP_TIMEOUT='0' must be more than 0 and less than 3600 seconds."),
        (
            {"WARGA_SMS_HTTP_SENDER_ID": "PEMKOT-BANDUNG"},
            "WARGA_SMS_HTTP_SENDER_ID='PEMKOT-BANDUNG' is not a sender ID",
        ),
        ({"WARGA_SMS_SENDER": "bukan jalur"}, "WARGA_SMS_SENDER='bukan jalur' is not a dotted path"),
        (
            {"WARGA_WHATSAPP_HTTP_URL": "https://graph.example/v21.0/123/messages"},
            "WARGA_WHATSAPP_HTTP_TOKEN is not set: the HTTP gateway warga.notifications.whatsapp.HttpWhatsAppSender",
        ),
        (
            {"WARGA_WHATSAPP_SENDER": "warga.notifications.whatsapp.HttpWhatsAppSender"},
            "WARGA_WHATSAPP_HTTP_URL is not set",
        ),
        (
            {"WARGA_WHATSAPP_TEMPLATE": "Notifikasi Warga"},
            "WARGA_WHATSAPP_TEMPLATE='Notifikasi Warga' is not a template name",
        ),
        ({"WARGA_WHATSAPP_HTTP_TIMEOUT": "lama"}, "WARGA_WHATSAPP_HTTP_TIMEOUT='lama' is not a number of seconds."),
        ({"WARGA_VAPID_PUBLIC_KEY": _vapid_pair()[2]}, "WARGA_VAPID_PRIVATE_KEY is not set: web push needs"),
        (
            {
                "WARGA_VAPID_PRIVATE_KEY": _vapid_pair()[1],
                "WARGA_VAPID_PUBLIC_KEY": _vapid_pair()[2],
                "WARGA_VAPID_SUBJECT": "mailto:ops@warga.example",
            },
            "WARGA_VAPID_PUBLIC_KEY is not the public key of WARGA_VAPID_PRIVATE_KEY.",
        ),
        (
            {
                "WARGA_VAPID_PRIVATE_KEY": "pendek",
                "WARGA_VAPID_PUBLIC_KEY": "x",
                "WARGA_VAPID_SUBJECT": "mailto:a@b.id",
            },
            "WARGA_VAPID_PRIVATE_KEY is not a P-256 private key",
        ),
        (
            dict(zip(("WARGA_VAPID_PRIVATE_KEY", "WARGA_VAPID_PUBLIC_KEY"), _vapid_pair()[1:], strict=True))
            | {"WARGA_VAPID_SUBJECT": "ops@warga.example"},
            "WARGA_VAPID_SUBJECT='ops@warga.example' must be a mailto: address or an https:// URL",
        ),
    ],
)
def test_a_bad_channel_setting_stops_start_up_naming_the_variable(environment: dict[str, str], message: str) -> None:
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_unset_channels_are_off() -> None:
    result = _manage("shell", "-c", PRINT_CHANNELS)
    assert result.returncode == 0, result.stderr
    # SMS keeps its development sender (the log) for sign-in codes; WhatsApp and push are off.
    assert result.stdout.strip().splitlines()[-1] == "['email', 'in_app', 'sms'] warga.accounts.sms.ConsoleSmsSender -"


def test_configured_gateways_and_a_vapid_key_from_a_file_turn_their_channels_on(tmp_path: Path) -> None:
    key, _, public = _vapid_pair()
    pem = tmp_path / "vapid.pem"
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    token = tmp_path / "wa-token"
    token.write_text("rahasia-wa\n")
    result = _manage(
        "shell",
        "-c",
        PRINT_CHANNELS,
        WARGA_SMS_HTTP_URL="https://sms.example/kirim",
        WARGA_SMS_HTTP_TOKEN="rahasia-sms",
        WARGA_SMS_HTTP_SENDER_ID="WARGA",
        WARGA_WHATSAPP_HTTP_URL="https://graph.example/v21.0/123/messages",
        WARGA_WHATSAPP_HTTP_TOKEN_FILE=str(token),
        WARGA_VAPID_PRIVATE_KEY_FILE=str(pem),
        WARGA_VAPID_PUBLIC_KEY=public,
        WARGA_VAPID_SUBJECT="mailto:ops@warga.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "['email', 'in_app', 'push', 'sms', 'whatsapp'] warga.notifications.sms.HttpSmsSender "
        "warga.notifications.whatsapp.HttpWhatsAppSender"
    )
