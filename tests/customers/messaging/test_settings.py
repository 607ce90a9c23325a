"""Outbound mail and SMS are configured by environment variables, read at start-up."""

import json
import os
import subprocess
import sys

from django.conf import settings


def read_settings(names: list[str], **variables: str) -> subprocess.CompletedProcess:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EMAIL_", "ANYMAIL_", "SMS_", "TWILIO_"))
    }
    environ |= {"DJANGO_SETTINGS_MODULE": "crm.settings", "TEND_ENV_FILE": os.devnull, **variables}
    code = "import json; from django.conf import settings; "
    code += f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def values(names: list[str], **variables: str) -> dict:
    result = read_settings(names, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_provider_is_chosen_by_its_backend_and_anymail_variables():
    read = values(
        ["EMAIL_BACKEND", "ANYMAIL"],
        EMAIL_BACKEND="anymail.backends.mailgun.EmailBackend",
        ANYMAIL_MAILGUN_API_KEY="key-123",
        ANYMAIL_MAILGUN_SENDER_DOMAIN="mg.example.com",
    )

    assert read == {
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL": {"MAILGUN_API_KEY": "key-123", "MAILGUN_SENDER_DOMAIN": "mg.example.com"},
    }


def test_an_smtp_host_still_means_smtp_and_none_the_console():
    with_host = values(["EMAIL_BACKEND"], EMAIL_HOST="mail.example.com")
    without = values(["EMAIL_BACKEND"])

    assert with_host["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert without["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_sms_is_printed_unless_configured_and_twilio_needs_its_three_values():
    assert values(["SMS_BACKEND"])["SMS_BACKEND"] == "console"
    assert values(["SMS_BACKEND"], SMS_BACKEND="Off")["SMS_BACKEND"] == "off"

    refused = read_settings(["SMS_BACKEND"], SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID="AC1")

    assert refused.returncode != 0
    assert "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM" in (
        refused.stderr
    )


def test_the_inbound_webhooks_signing_key_joins_the_anymail_settings():
    read = values(
        ["ANYMAIL"], MAILGUN_WEBHOOK_SIGNING_KEY="whsec", ANYMAIL_WEBHOOK_SECRET="user:pass"
    )

    assert read["ANYMAIL"] == {
        "MAILGUN_WEBHOOK_SIGNING_KEY": "whsec",
        "WEBHOOK_SECRET": "user:pass",
    }
