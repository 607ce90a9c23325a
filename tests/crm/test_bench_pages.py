"""manage.py bench_pages and bench_load, at a small scale: every page answers, the table is
complete, and the load test runs a real gunicorn and Locust over the test database."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm.management.bench import BUSY_STAFF, OWNER, STAFF, SUPERVISOR
from crm.management.commands.bench_pages import PAGES

ROW = re.compile(
    r"(staff|busy staff|supervisor|owner)\s+(.+?)\s+([\d.]+)\s+([\d.]+)\s+(\d+)"
    r"\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)\s+([\d.]+)"
)


def _table(output: str) -> dict[tuple[str, str], tuple]:
    rows = {}
    for line in output.splitlines():
        found = ROW.fullmatch(line.strip())
        if found:
            role, page, *figures = found.groups()
            rows[(role, page)] = figures
    return rows


@pytest.mark.django_db
def test_bench_pages_times_every_page_for_each_person_with_its_queries_bytes_and_floor():
    out = StringIO()
    call_command("bench_pages", customers=40, repeat=2, stdout=out)
    rows = _table(out.getvalue())
    yardstick = re.search(r"Machine yardstick: (\d+) ms", out.getvalue())
    assert yardstick and int(yardstick.group(1)) > 0
    expected = {(role, page.name) for page in PAGES for role in page.roles}
    assert set(rows) == expected
    assert {role for role, _page in rows} == {STAFF, BUSY_STAFF, SUPERVISOR, OWNER}
    for (role, page), (median, p95, queries, html, gzipped, floor, ratio) in rows.items():
        assert float(median) > 0 and float(p95) >= float(median), (role, page)
        assert int(queries) > 0, (role, page)
        if html != "0":  # a search that finds one customer answers with a redirect
            assert int(gzipped.replace(",", "")) < int(html.replace(",", "")), (role, page)
        assert float(floor) > 0 and float(ratio) > 0, (role, page)


@pytest.mark.django_db
def test_bench_pages_refuses_nonsense():
    with pytest.raises(CommandError):
        call_command("bench_pages", customers=10, repeat=0, stdout=StringIO())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_load_runs_gunicorn_and_locust_and_reports_percentiles_without_errors(settings):
    out = StringIO()
    call_command(
        "bench_load",
        customers=40,
        users=3,
        seconds=4,
        workers=1,
        port=8799,
        check=True,
        max_p95=60_000,
        stdout=out,
    )
    output = out.getvalue()
    total = re.search(
        r"^Aggregated\s+([\d,]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", output, re.M
    )
    assert total, output
    requests, errors = int(total.group(1).replace(",", "")), int(total.group(2))
    assert requests > 0 and errors == 0
    assert "tasks that raised" not in output
