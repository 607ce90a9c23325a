"""Every order a list offers reads its page through an index, on both databases: none sorts
every row to show 25 (a customer list by status sorted 100,000 customers, 125 ms; the
onboarding list every running onboarding, 2.5 ms at 5,000)."""

import ast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    OnboardingFactory,
    OnboardingStepFactory,
)

pytestmark = pytest.mark.django_db

LISTS = {
    "/customers/": ["name", "-name", "status", "-status", "updated", "-updated", ""],
    "/complaints/": ["deadline", "-deadline", "received", "-received", "severity", "-severity"],
}


def rows_query(client, path: str, order: str) -> str:
    """Return the statement that read the page's rows: the one asking for a page and one."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"order": order} if order else {})
    assert response.status_code == 200
    (statement,) = [query["sql"] for query in captured if "LIMIT 26" in query["sql"]]
    return statement


def plan_of(statement: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test's small tables are cheapest read whole and sorted; ask what the planner
            # would do with the 100,000 rows the indexes are for.
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + statement)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("path", "order"), [(path, order) for path, orders in LISTS.items() for order in orders]
)
def test_each_order_of_a_list_reads_its_page_through_an_index(staff_client, path, order):
    CustomerFactory.create_batch(3)
    ComplaintFactory.create_batch(3)

    plan = plan_of(rows_query(staff_client, path, order))

    if connection.vendor == "postgresql":
        assert "Sort" not in plan, plan
        assert "Index" in plan, plan
    else:
        assert "TEMP B-TREE" not in plan, plan
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


@pytest.mark.parametrize(
    ("status", "index"),
    [("", "onboarding_active_target_idx"), ("any", "onboarding_target_idx")],
)
def test_the_onboarding_lists_page_is_read_in_order_through_an_index(
    client, supervisor, status, index
):
    # given: running and ended onboardings (the list shows running ones unless asked)
    for onboarding in OnboardingFactory.create_batch(4):
        OnboardingStepFactory(onboarding=onboarding)
    OnboardingFactory(status="completed")
    query = {"status": ""} if status == "any" else {}

    # when: the page's keys, a subquery of the query that reads the rows with their progress
    with CaptureQueriesContext(connection) as captured:
        client.force_login(supervisor)
        assert client.get("/onboarding/", query).status_code == 200
    (statement,) = [
        query["sql"]
        for query in captured
        if query["sql"].startswith('SELECT "onboarding_onboarding"') and '"U0"' in query["sql"]
    ]

    # then: they come in order from the index, however many onboardings there are; only the
    # page's 25 rows are sorted again, after their progress is counted
    if connection.vendor == "sqlite":
        as_if_onboardings_were_many()
    plan = plan_of(statement)
    assert index in plan, plan
    if connection.vendor == "postgresql":
        assert 'Sort Key: "U0"' not in plan, plan
    else:
        subquery = next(row for row in plan_rows(plan) if "SUBQUERY" in row[3])
        beneath = [row[3] for row in plan_rows(plan) if row[1] == subquery[0]]
        assert not any("TEMP B-TREE" in detail for detail in beneath), plan


def plan_rows(plan: str) -> list[tuple]:
    """Return SQLite's EXPLAIN QUERY PLAN rows (id, parent, unused, detail) from plan_of."""
    return [ast.literal_eval(line) for line in plan.splitlines()]


def as_if_onboardings_were_many() -> None:
    """Give SQLite's planner the statistics of 100,000 onboardings, a third of each status.

    A test's five rows are cheapest found by status and sorted; PostgreSQL's planner is told so
    by its switches (plan_of), SQLite's only by its statistics (sqlite_stat1, which ANALYZE
    writes and a planner reads again after ``ANALYZE sqlite_schema``).
    """
    table = "onboarding_onboarding"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table]
        )
        indexes = [name for (name,) in cursor.fetchall()]
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
        # Rows in the index, then rows per value of its first column, its first two, …
        stats = dict.fromkeys(indexes, "100000 1 1")
        stats["onboarding_status_idx"] = "100000 33333 1"
        stats["onboarding_active_target_idx"] = "33333 1 1"
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
            [(table, name, stat) for name, stat in stats.items()],
        )
        cursor.execute("ANALYZE sqlite_schema")
