"""After a migration, SQLite's planner statistics cover every index (crm/apps.py)."""

import pytest
from django.db import connection

from crm.apps import refresh_sqlite_statistics

pytestmark = pytest.mark.django_db


def _indexes_with_statistics() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1")
        return {name for (name,) in cursor.fetchall()}


def test_an_index_added_after_statistics_were_taken_gets_its_own():
    if connection.vendor != "sqlite":
        # PostgreSQL's autovacuum keeps its statistics; there is nothing to refresh.
        refresh_sqlite_statistics(using="default")
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stat_probe (id INTEGER PRIMARY KEY, kind TEXT)")
        cursor.executemany("INSERT INTO stat_probe (kind) VALUES (%s)", [("a",), ("b",)] * 20)
        cursor.execute("ANALYZE")
        cursor.execute("CREATE INDEX stat_probe_kind ON stat_probe (kind)")
    assert "stat_probe_kind" not in _indexes_with_statistics()

    refresh_sqlite_statistics(using="default")

    assert "stat_probe_kind" in _indexes_with_statistics()
