"""Hold Tend under a bounded load: N people at once on gunicorn, for S seconds, on loopback.

Starts gunicorn on 127.0.0.1 with the configured settings and database, signs the people in
through sessions made here (front-line staff as the seeded staff, supervisors as
``bench-supervisor``), and runs Locust headless with ``bench/locustfile.py``: a mix of reads
and writes with 0.5 to 1.5 s of thinking between requests. Prints, per kind of request and for
all of them, the count, the errors and the 50th, 95th and 99th percentiles in milliseconds.
``--check`` exits non-zero on any error or a 95th percentile over ``--max-p95``.

Run it against a scratch database: the people log contacts, book call-backs and log
complaints. See README, "Benchmarks".
"""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from crm.management.bench import (
    SUPERVISOR,
    add_customers_argument,
    bench_people,
    draw_sample,
    ensure_data,
    session_for,
)
from customers.scale import ensure_scale_staff

LOCUSTFILE = Path(settings.BASE_DIR) / "bench" / "locustfile.py"
DEFAULT_USERS = 50
DEFAULT_SECONDS = 60
DEFAULT_WORKERS = 4
DEFAULT_PORT = 8765
DEFAULT_MAX_P95 = 300
STARTUP_SECONDS = 30
TOTAL = "Aggregated"  # Locust's name for the line over every request
RAISED = "tasks that raised"


@dataclass(frozen=True)
class Line:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float


class Command(BaseCommand):
    help = (
        "Run a bounded load test (default 50 people for 60 s, reads and writes, think time "
        "0.5-1.5 s) against gunicorn on loopback and print p50/p95/p99 and errors."
    )

    def add_arguments(self, parser):
        add_customers_argument(parser)
        parser.add_argument("--users", type=int, default=DEFAULT_USERS)
        parser.add_argument("--seconds", type=int, default=DEFAULT_SECONDS)
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit non-zero on any error or a 95th percentile over --max-p95.",
        )
        parser.add_argument("--max-p95", type=float, default=DEFAULT_MAX_P95)

    def handle(self, *args, **options):
        for name in ("customers", "users", "seconds", "workers"):
            if options[name] < 1:
                raise CommandError(
                    _("--%(name)s must be a whole number of at least 1.") % {"name": name}
                )
        ensure_data(options["customers"], self.stdout)
        with tempfile.TemporaryDirectory(prefix="tend-bench-") as folder:
            plan = Path(folder) / "plan.json"
            plan.write_text(json.dumps(self._plan()), encoding="utf-8")
            address = f"127.0.0.1:{options['port']}"
            # A stopped bench (Ctrl-C, `timeout`, CI's kill) still stops its server: SIGTERM
            # becomes an exit that runs the finally below, as Ctrl-C does.
            previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
            server = self._start_gunicorn(address, options["workers"])
            try:
                lines = self._run_locust(address, plan, Path(folder) / "load", options)
            finally:
                server.terminate()
                server.wait(timeout=30)
                signal.signal(signal.SIGTERM, previous)
        self._report(lines, options)
        total = next(line for line in lines if line.name == TOTAL)
        errors = total.failures + sum(line.failures for line in lines if line.name == RAISED)
        if options["check"] and (errors or total.p95 > options["max_p95"]):
            raise CommandError(
                _("The load test missed its mark: %(errors)d errors, p95 %(p95)g ms.")
                % {"errors": errors, "p95": total.p95}
            )

    def _plan(self) -> dict:
        sample = draw_sample()
        supervisor = bench_people()[SUPERVISOR]
        staff = ensure_scale_staff()
        return {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "sessions": {
                "staff": [{"key": session_for(user), "user": user.pk} for user in staff],
                "supervisor": [{"key": session_for(supervisor), "user": supervisor.pk}],
            },
            "customers": sample.customers,
            "complaints": sample.complaints,
            "names": sample.names,
            "phones": sample.phones,
        }

    def _start_gunicorn(self, address: str, workers: int) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "crm.wsgi",
            "--bind",
            address,
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ]
        # The database this command reads, also where DATABASE_URL does not name it (a test's).
        environment = {**os.environ, "DATABASE_URL": _database_url()}
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment)  # noqa: S603
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(_("gunicorn stopped at start-up; see its output above."))
            try:
                urllib.request.urlopen(f"http://{address}/healthz", timeout=2)
                return server
            except urllib.error.HTTPError:
                return server  # it answers (503 while no Celery worker beats)
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError(_("gunicorn did not answer on %(address)s.") % {"address": address})

    def _run_locust(self, address: str, plan: Path, prefix: Path, options) -> list[Line]:
        users = options["users"]
        command = [
            sys.executable,
            "-m",
            "locust",
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{options['seconds']}s",
            "--host",
            f"http://{address}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        environment = {"TEND_BENCH_PLAN": str(plan)}
        finished = subprocess.run(  # noqa: S603 - our own argv
            command, env={**os.environ, **environment}, check=False
        )
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise CommandError(
                _("Locust wrote no statistics (exit status %(code)d).")
                % {"code": finished.returncode}
            )
        with stats.open(encoding="utf-8") as table:
            lines = [_line(row) for row in csv.DictReader(table)]
        # A task that raised sent no request: Locust lists it apart; it is an error all the same.
        exceptions = Path(f"{prefix}_exceptions.csv")
        if exceptions.exists():
            with exceptions.open(encoding="utf-8") as table:
                raised = sum(int(row["Count"]) for row in csv.DictReader(table))
            if raised:
                lines.append(Line(RAISED, raised, raised, 0, 0, 0))
        return lines

    def _report(self, lines: list[Line], options) -> None:
        self.stdout.write(
            _(
                "%(users)d people for %(seconds)d s on gunicorn (%(workers)d workers); "
                "times in milliseconds."
            )
            % {k: options[k] for k in ("users", "seconds", "workers")}
        )
        width = max(len(line.name) for line in lines)
        self.stdout.write(
            f"{_('request'):<{width}}  {_('count'):>7}  {_('errors'):>6}  "
            f"{_('p50'):>6}  {_('p95'):>6}  {_('p99'):>6}"
        )
        for line in lines:
            text = (
                f"{line.name:<{width}}  {line.requests:>7,}  {line.failures:>6}  "
                f"{line.p50:>6g}  {line.p95:>6g}  {line.p99:>6g}"
            )
            self.stdout.write(self.style.ERROR(text) if line.failures else text)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _database_url() -> str:
    """Return the URL of the database this process uses, for the server it starts."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(_("bench_load runs on PostgreSQL or SQLite."))
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}{database['HOST'] or 'localhost'}{port}/{database['NAME']}"


def _line(row: dict) -> Line:
    def number(column: str) -> float:
        value = row.get(column) or "0"
        return float(value) if value != "N/A" else 0.0

    return Line(
        name=row["Name"],
        requests=int(number("Request Count")),
        failures=int(number("Failure Count")),
        p50=number("50%"),
        p95=number("95%"),
        p99=number("99%"),
    )
