"""Each test run has test databases of its own, and drops them when it ends."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import RUN_SUFFIX, per_run_database_name

pytestmark = pytest.mark.django_db


def test_this_run_works_on_a_test_database_named_for_it():
    assert RUN_SUFFIX.startswith(f"{os.getpid()}_")
    assert connection.settings_dict["NAME"].endswith((f"-{RUN_SUFFIX}.sqlite3", f"_{RUN_SUFFIX}"))


def test_names_keep_the_configured_name_and_its_extension():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "TEST": {"NAME": "/v/test-tend.sqlite3"}}
    assert per_run_database_name(sqlite, "7_ab") == "/v/test-tend-7_ab.sqlite3"
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "tend"}
    assert per_run_database_name(postgres, "7_ab") == "test_tend_7_ab"


def database_exists(name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_another_run_beside_this_one_uses_another_database_and_drops_it(tmp_path):
    # given: a second pytest run while this one holds its test database
    environ = {**os.environ, "TEND_VAR_DIR": str(settings.VAR_DIR)}
    test = "tests/crm/test_test_databases.py::test_this_run_works_on_a_test_database_named_for_it"
    # when
    result = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider"],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then
    assert result.returncode == 0, result.stdout[-2000:]
    names = re.search(r"^Test databases of this run: (.+)$", result.stdout, re.MULTILINE)
    assert names, result.stdout[-2000:]
    other = names.group(1)
    assert other != connection.settings_dict["NAME"]
    assert RUN_SUFFIX not in other
    assert not database_exists(other)
    assert database_exists(connection.settings_dict["NAME"])
