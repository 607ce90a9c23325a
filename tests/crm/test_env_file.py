"""A .env file fills in what the environment leaves unset; the environment always wins."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from crm import env

ENV_FILE = """\
# a comment, then a blank line

DATABASE_URL=sqlite:///from-the-file.sqlite3
export TIME_ZONE = Europe/Berlin
SECRET_KEY='has # and = inside'
SITE_URL="https://tend.example.com"
LOG_LEVEL=DEBUG  # trailing comment
TEND_REQUIRE_BROWSER=
"""


def test_env_file_lines_are_read_as_a_shell_would_set_them(tmp_path):
    path = tmp_path / ".env"
    path.write_text("\ufeff" + ENV_FILE, encoding="utf-8")
    assert env.read_env_file(path) == {
        "DATABASE_URL": "sqlite:///from-the-file.sqlite3",
        "TIME_ZONE": "Europe/Berlin",
        "SECRET_KEY": "has # and = inside",
        "SITE_URL": "https://tend.example.com",
        "LOG_LEVEL": "DEBUG",
        "TEND_REQUIRE_BROWSER": "",
    }


def test_a_missing_env_file_sets_nothing(tmp_path):
    environ = {}
    env.load_env_file(tmp_path / "absent", environ)
    assert environ == {}


def test_the_environment_wins_over_the_env_file_even_when_set_empty(tmp_path):
    path = tmp_path / ".env"
    path.write_text(ENV_FILE)
    environ = {"DATABASE_URL": "postgres://ci@db/tend", "TEND_REQUIRE_BROWSER": "1", "DEBUG": ""}
    env.load_env_file(path, environ)
    assert environ["DATABASE_URL"] == "postgres://ci@db/tend"
    assert environ["TEND_REQUIRE_BROWSER"] == "1"
    assert environ["DEBUG"] == ""
    assert environ["TIME_ZONE"] == "Europe/Berlin"


def test_a_malformed_line_names_the_file_and_the_line(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=true\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env, line 2: expected NAME=value"):
        env.read_env_file(path)


def settings_seen_with(environ: dict) -> dict:
    """What a fresh process gets from the settings and its environment, given ``environ``."""
    code = (
        "import json, os; from django.conf import settings; print(json.dumps({"
        "'engine': settings.DATABASES['default']['ENGINE'], 'time_zone': settings.TIME_ZONE,"
        "'require_browser': os.environ.get('TEND_REQUIRE_BROWSER')}))"
    )
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TIME_ZONE"}}
    keep.pop("TEND_REQUIRE_BROWSER", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**keep, "DJANGO_SETTINGS_MODULE": "crm.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_take_the_environment_over_the_env_file_and_the_file_over_defaults(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "DATABASE_URL=sqlite:///from-the-file.sqlite3\nTIME_ZONE=Europe/Berlin\n"
        "TEND_REQUIRE_BROWSER=\n"
    )
    from_environment = settings_seen_with(
        {
            "TEND_ENV_FILE": str(path),
            "DATABASE_URL": "postgres://ci@127.0.0.1:5432/tend",
            "TEND_REQUIRE_BROWSER": "1",
        }
    )
    assert from_environment == {
        "engine": "django.db.backends.postgresql",
        "time_zone": "Europe/Berlin",
        "require_browser": "1",
    }
    from_file = settings_seen_with({"TEND_ENV_FILE": str(path)})
    assert from_file == {
        "engine": "django.db.backends.sqlite3",
        "time_zone": "Europe/Berlin",
        "require_browser": "",
    }
