"""Settings that only show on a given database."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def database_options(url: str) -> dict:
    environ = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "crm.settings"}
    code = "import json; from django.conf import settings; "
    code += "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_connections_turn_jit_off():
    assert database_options("postgres://tend@db:5432/tend")["options"] == "-c jit=off"


def test_postgresql_options_from_the_url_are_kept_and_a_jit_choice_wins():
    kept = database_options("postgres://tend@db:5432/tend?options=-c%20statement_timeout%3D5000")
    assert kept["options"] == "-c statement_timeout=5000 -c jit=off"
    chosen = database_options("postgres://tend@db:5432/tend?options=-c%20jit%3Don")
    assert chosen["options"] == "-c jit=on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_the_postgresql_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
