import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm import env

SETTINGS_FILE = Path(env.__file__).with_name("settings.py")


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda e: env.env_bool("DEBUG", True, environ=e), "maybe", "DEBUG must be one of"),
        (lambda e: env.env_int("EMAIL_PORT", 1, environ=e), "twenty", "EMAIL_PORT must be a"),
        (lambda e: env.env_int("EMAIL_PORT", 1, minimum=1, environ=e), "0", "EMAIL_PORT must"),
        (lambda e: env.env_time_zone("TIME_ZONE", "UTC", environ=e), "Mars/Olympus", "TIME_ZONE"),
        (lambda e: env.env_database("DATABASE_URL", "", environ=e), "nonsense", "DATABASE_URL"),
        (
            lambda e: env.env_broker_url("CELERY_BROKER_URL", "", environ=e),
            "amqp://guest@localhost//",
            "CELERY_BROKER_URL",
        ),
        (
            lambda e: env.env_origins("CSRF_TRUSTED_ORIGINS", [], environ=e),
            "tend.example.com",
            "CSRF_TRUSTED_ORIGINS",
        ),
        (lambda e: env.env_choice("LOG_LEVEL", "INFO", {"INFO"}, environ=e), "loud", "LOG_LEVEL"),
    ],
)
def test_malformed_value_raises_improperly_configured_naming_the_variable(reader, value, message):
    name = message.split()[0]
    with pytest.raises(ImproperlyConfigured, match=message):
        reader({name: value})


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("Off", False), ("", True)])
def test_booleans_accept_common_words_and_default_when_empty(value, expected):
    assert env.env_bool("DEBUG", True, environ={"DEBUG": value}) is expected


def test_lists_split_on_commas_and_drop_blanks():
    environ = {"ALLOWED_HOSTS": " tend.example.com, ,www.tend.example.com "}
    hosts = env.env_list("ALLOWED_HOSTS", [], environ=environ)
    assert hosts == ["tend.example.com", "www.tend.example.com"]


def test_sqlite_database_gets_wal_mode_and_immediate_transactions():
    config = env.env_database("DATABASE_URL", "sqlite:////srv/tend/tend.sqlite3", environ={})
    assert config["NAME"] == "/srv/tend/tend.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_database_url_is_parsed():
    environ = {"DATABASE_URL": "postgres://tend:secret@db.internal:5432/tend"}
    config = env.env_database("DATABASE_URL", "", environ=environ)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.internal", "tend", "tend")


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        runpy.run_path(str(SETTINGS_FILE))


def test_settings_name_the_malformed_variable(monkeypatch):
    monkeypatch.setenv("TIME_ZONE", "Europe/Atlantis")
    with pytest.raises(ImproperlyConfigured, match="TIME_ZONE"):
        runpy.run_path(str(SETTINGS_FILE))


def test_settings_read_the_broker_and_database_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tend")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    loaded = runpy.run_path(str(SETTINGS_FILE))
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert "CELERY_BROKER_TRANSPORT_OPTIONS" not in loaded
