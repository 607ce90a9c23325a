"""Time Tend's pages on a large data set, for staff, a busy staff member and a supervisor
(and /reports/ for an owner too).

Each page is requested through Django's whole stack (middleware, session, templates, gzip as a
browser asks for it) by an in-process client signed in as the person, ``--repeat`` times after
two warm-up requests; detail pages and searches cycle through records drawn across the whole
data set. Each line of the table gives the median and 95th percentile in milliseconds, the
queries, the bytes of HTML and gzipped, and the **SQL floor**: the same run's statements
executed again straight through the database cursor (median of ``--repeat`` runs), which is
what the page would cost with no Python at all. The ratio of the two shows what Tend's own code
adds. See README, "Benchmarks".
"""

import gzip
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from crm.management.bench import (
    BUSY_STAFF,
    OWNER,
    STAFF,
    SUPERVISOR,
    Sample,
    add_customers_argument,
    bench_people,
    draw_sample,
    ensure_data,
    session_for,
    yardstick_ms,
)
from customers.models import Customer

DEFAULT_REPEAT = 20
WARM_UP = 2
EVERYONE = (STAFF, BUSY_STAFF, SUPERVISOR)
READS = ("select", "with")


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Sample, int], str]  # the sample and the request's number give the address
    roles: tuple[str, ...] = EVERYONE


def _cycle(values: list, number: int):
    return values[number % len(values)]


def _fixed(name: str, query: str = "") -> Callable[[Sample, int], str]:
    return lambda sample, number: reverse(name) + query


def _detail(name: str, records: str) -> Callable[[Sample, int], str]:
    return lambda sample, number: reverse(name, args=[_cycle(getattr(sample, records), number)])


def _search(values: str) -> Callable[[Sample, int], str]:
    return lambda sample, number: (
        reverse("crm:search") + "?" + urlencode({"q": _cycle(getattr(sample, values), number)})
    )


PAGES = [
    Page("My day", _fixed("crm:my_day")),
    Page("customers", _fixed("customers:list")),
    Page("customers, last page", _fixed("customers:list", "?last=1")),
    Page("search by name", _search("names")),
    Page("search by phone", _search("phones")),
    Page("search, a common word", _search("words")),
    Page("customer", _detail("customers:detail", "customers")),
    Page("follow-ups", _fixed("followups:list")),
    Page("follow-ups, last page", _fixed("followups:list", "?last=1")),
    Page("complaints", _fixed("complaints:list")),
    Page("complaints, last page", _fixed("complaints:list", "?last=1")),
    Page("complaint", _detail("complaints:detail", "complaints")),
    Page("log a complaint", _fixed("complaints:create")),
    Page("approvals", _fixed("complaints:approvals"), roles=(SUPERVISOR,)),
    Page("onboardings", _fixed("onboarding:list")),
    Page("onboarding", _detail("onboarding:detail", "onboardings")),
    Page("notices", _fixed("crm:notices")),
    # The last 90 days: everyone's figures for a supervisor and an owner, one's own beside the
    # team's for staff.
    Page(
        "reports, 90 days", _fixed("crm:reports", "?period=90"), roles=(STAFF, SUPERVISOR, OWNER)
    ),
]


@dataclass(frozen=True)
class Timing:
    role: str
    page: str
    median_ms: float
    p95_ms: float
    queries: int
    html_bytes: int
    gzip_bytes: int
    floor_ms: float
    failures: int

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms if self.floor_ms else 0.0


class Command(BaseCommand):
    help = (
        "Time every main page for staff, a busy staff member and a supervisor (and /reports/ "
        "for an owner) on the data set "
        "of seed_scale --customers N (seeded or reused): median, p95, queries, bytes and the "
        "raw-SQL floor."
    )

    def add_arguments(self, parser):
        add_customers_argument(parser)
        parser.add_argument(
            "--repeat",
            type=int,
            default=DEFAULT_REPEAT,
            help=f"Timed requests per page and person (default {DEFAULT_REPEAT}).",
        )

    def handle(self, *args, customers: int, repeat: int, **options):
        if customers < 1 or repeat < 1:
            raise CommandError(_("--customers and --repeat must be whole numbers of at least 1."))
        ensure_data(customers, self.stdout)
        people = bench_people()
        sample = draw_sample()
        if not (sample.customers and sample.complaints and sample.onboardings):
            raise CommandError(_("The data set has no complaints or onboardings to open."))
        yardstick = yardstick_ms()
        timings = []
        # The client's host, without opening ALLOWED_HOSTS of the configured deployment.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for role, user in people.items():
                client = Client(HTTP_ACCEPT_ENCODING="gzip")
                client.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
                for page in PAGES:
                    if role in page.roles:
                        timings.append(self._time_page(client, role, page, sample, repeat))
        self._report(timings, customers=Customer.objects.count())
        self.stdout.write(
            _("Machine yardstick: %(ms).0f ms of fixed Python work; divide by it to compare runs.")
            % {"ms": yardstick}
        )
        failed = [t for t in timings if t.failures]
        if failed:
            raise CommandError(
                _("%(count)d pages did not answer 200 or a redirect: %(pages)s.")
                % {
                    "count": len(failed),
                    "pages": ", ".join(f"{t.page} ({t.role})" for t in failed),
                }
            )

    def _time_page(self, client, role: str, page: Page, sample: Sample, repeat: int) -> Timing:
        for number in range(WARM_UP):
            client.get(page.url(sample, number))
        statements = []

        def record(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = client.get(page.url(sample, 0))
        html = gzip.decompress(response.content) if _gzipped(response) else response.content
        seconds, failures = [], 0
        for number in range(repeat):
            started = time.perf_counter()
            response = client.get(page.url(sample, number))
            seconds.append(time.perf_counter() - started)
            failures += response.status_code >= 400
        return Timing(
            role=role,
            page=page.name,
            median_ms=statistics.median(seconds) * 1000,
            p95_ms=_percentile(seconds, 95) * 1000,
            queries=len(statements),
            html_bytes=len(html),
            gzip_bytes=len(gzip.compress(html)),
            floor_ms=_sql_floor(statements, repeat) * 1000,
            failures=failures,
        )

    def _report(self, timings: list[Timing], customers: int) -> None:
        self.stdout.write(
            _("%(vendor)s, %(customers)s customers; times in milliseconds.")
            % {"vendor": connection.vendor, "customers": f"{customers:,}"}
        )
        width = max(len(t.page) for t in timings)
        header = (
            f"{_('person'):<10}  {_('page'):<{width}}  {_('median'):>7}  {_('p95'):>7}  "
            f"{_('queries'):>7}  {_('bytes'):>8}  {_('gzip'):>7}  {_('SQL floor'):>9}  "
            f"{_('ratio'):>6}"
        )
        self.stdout.write(header)
        for t in timings:
            line = (
                f"{t.role:<10}  {t.page:<{width}}  {t.median_ms:>7.1f}  {t.p95_ms:>7.1f}  "
                f"{t.queries:>7}  {t.html_bytes:>8,}  {t.gzip_bytes:>7,}  {t.floor_ms:>9.1f}  "
                f"{t.ratio:>6.1f}"
            )
            self.stdout.write(self.style.ERROR(line) if t.failures else line)


def _gzipped(response) -> bool:
    return response.get("Content-Encoding") == "gzip"


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _sql_floor(statements, repeat: int) -> float:
    """Return the median time of running the page's reads again through the bare cursor."""
    reads = [
        (sql, params)
        for sql, params, many in statements
        if not many and sql.lstrip().lower().startswith(READS)
    ]
    runs = []
    with connection.cursor() as cursor:
        for _run in range(repeat):
            started = time.perf_counter()
            for sql, params in reads:
                cursor.execute(sql, params)
                cursor.fetchall()
            runs.append(time.perf_counter() - started)
    return statistics.median(runs)
