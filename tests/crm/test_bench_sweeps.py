"""manage.py bench_sweeps, at a small scale: the table, the backlog, reuse and --check."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm import ladder
from customers.models import Customer

pytestmark = pytest.mark.django_db


def _bench(**options) -> str:
    out = StringIO()
    call_command("bench_sweeps", stdout=out, **options)
    return out.getvalue()


def _rows(output: str) -> dict[tuple[str, str], tuple[int, int, float]]:
    """Read the table: (sweep, run) -> (claimed, queries, seconds)."""
    rows = {}
    for line in output.splitlines():
        found = re.fullmatch(r"(.+?)\s+(first|second)\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)", line)
        if found:
            job, run, claimed, queries, seconds = found.groups()
            rows[(job, run)] = (
                int(claimed.replace(",", "")),
                int(queries.replace(",", "")),
                float(seconds),
            )
    return rows


def test_bench_sweeps_seeds_then_times_every_ladder_and_the_planner_twice():
    output = _bench(customers=50)

    assert Customer.objects.count() == 50
    rows = _rows(output)
    jobs = [item.name for item in ladder.registered()] + ["all ladders", "keep-in-touch planner"]
    assert set(rows) == {(job, run) for job in jobs for run in ("first", "second")}
    # the first run claims the backlog; the second finds nothing new
    assert rows[("followup_overdue", "first")][0] > 0
    assert rows[("all ladders", "first")][0] == sum(
        rows[(item.name, "first")][0] for item in ladder.registered()
    )
    assert all(rows[(job, "second")][0] == 0 for job in jobs)
    assert all(queries > 0 for _claimed, queries, _seconds in rows.values())
    assert "breaches claimed by the first runs" in output


def test_bench_sweeps_reuses_a_database_with_enough_customers():
    call_command("seed_scale", customers=30, stdout=StringIO())

    output = _bench(customers=20)

    assert "Reusing the 30 customers" in output
    assert Customer.objects.count() == 30
    assert ("followup_overdue", "first") in _rows(output)


def test_bench_sweeps_check_fails_when_a_timing_is_over_the_limit_and_passes_under_it():
    call_command("seed_scale", customers=20, stdout=StringIO())

    with pytest.raises(CommandError, match="took longer than 0 s"):
        _bench(customers=20, check=True, max_seconds=0)
    output = _bench(customers=20, check=True, max_seconds=600)

    assert ("all ladders", "second") in _rows(output)


def test_bench_sweeps_refuses_fewer_than_one_customer():
    with pytest.raises(CommandError, match="--customers must be a whole number"):
        _bench(customers=0)
