"""Time every deadline ladder and the keep-in-touch planner over a large backlog.

Seeds ``seed_scale --customers N`` (or reuses a database that holds N customers already),
clears every ladder's marks so that the first run finds the whole backlog of breaches, then
times on the configured database: each ladder alone, first over the backlog and then again
(nothing new to claim), all ladders in one sweep the same two ways, and the keep-in-touch
planner. Each line gives the items claimed, the queries and the seconds. ``--check`` exits
non-zero when any of them took longer than ``--max-seconds``.

Run it against a scratch database: it writes notices and keep-in-touch follow-ups, and it
clears the reminder marks of every item (its backlog). See README, "Benchmarks".
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import ladder as deadline_ladder
from crm.management.bench import add_customers_argument, ensure_data
from customers.models import Customer, FollowUp
from customers.sweeps import plan_keep_in_touch

DEFAULT_MAX_SECONDS = 5.0
ALL_LADDERS = "all ladders"
PLANNER = "keep-in-touch planner"


@dataclass(frozen=True)
class Timing:
    job: str
    run: str  # "first" (over the backlog) or "second"
    claimed: int
    queries: int
    seconds: float


class Command(BaseCommand):
    help = (
        "Time each deadline ladder and the keep-in-touch planner over the backlog of "
        "seed_scale --customers N (seeded or reused), first run and second run."
    )

    def add_arguments(self, parser):
        add_customers_argument(parser)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit non-zero when a sweep or the planner takes longer than --max-seconds.",
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=DEFAULT_MAX_SECONDS,
            help=f"The limit --check holds every timing to (default {DEFAULT_MAX_SECONDS:g}).",
        )

    def handle(self, *args, customers: int, check: bool, max_seconds: float, **options):
        if customers < 1:
            raise CommandError(
                _("--customers must be a whole number of at least 1 (got %(value)s).")
                % {"value": customers}
            )
        ladders = deadline_ladder.registered()
        if not ladders:
            raise CommandError(_("No deadline ladder is registered: nothing to time."))
        ensure_data(customers, self.stdout)
        now = timezone.now()
        timings: list[Timing] = []
        backlog = self._clear_marks(ladders, now)
        for run in ("first", "second"):
            for ladder in ladders:
                timings.append(self._time_sweep(ladder.name, run, now, [ladder]))
        breaches = sum(t.claimed for t in timings if t.run == "first")
        # All together, as the periodic task runs them: over the same backlog again.
        self._clear_marks(ladders, now)
        for run in ("first", "second"):
            timings.append(self._time_sweep(ALL_LADDERS, run, now, None))
        self._forget_planned_keep_in_touch()
        for run in ("first", "second"):
            timings.append(_timed(PLANNER, run, lambda: plan_keep_in_touch(now=now)))
        self._report(timings, backlog, breaches, max_seconds)
        slow = [t for t in timings if t.seconds > max_seconds]
        if check and slow:
            raise CommandError(
                _("%(count)d of %(total)d timings took longer than %(limit)g s: %(jobs)s.")
                % {
                    "count": len(slow),
                    "total": len(timings),
                    "limit": max_seconds,
                    "jobs": ", ".join(f"{t.job} ({t.run} run)" for t in slow),
                }
            )

    def _clear_marks(self, ladders, now) -> int:
        """Clear every ladder's two marks, so that everything past due is a new breach again.

        Return how many items are past due (or waiting) on the ladders' own queries.
        """
        due = 0
        with transaction.atomic():
            for ladder in ladders:
                running = ladder.due(now)
                notified, escalated = ladder.notified_field, ladder.escalated_field
                marked = Q(**{f"{notified}__isnull": False}) | Q(**{f"{escalated}__isnull": False})
                running.model._base_manager.filter(marked).update(
                    **{notified: None, escalated: None}
                )
                due += running.count()
        return due

    def _forget_planned_keep_in_touch(self) -> None:
        """Delete the open keep-in-touch follow-ups, which only the planner makes, so that
        each bench plans the same backlog (seed_scale makes none of them open)."""
        FollowUp.objects.filter(
            kind=FollowUp.Kind.KEEP_IN_TOUCH, status=FollowUp.Status.OPEN
        ).delete()

    def _time_sweep(self, job: str, run: str, now, ladders) -> Timing:
        def sweep() -> int:
            report = deadline_ladder.sweep(now=now, ladders=ladders)
            return sum(notified + escalated for notified, escalated in report.per_ladder.values())

        return _timed(job, run, sweep)

    def _report(self, timings: list[Timing], backlog: int, breaches: int, limit: float) -> None:
        self.stdout.write(
            _(
                "%(vendor)s, %(customers)s customers: %(due)s items past due or waiting on "
                "the ladders, %(breaches)s breaches claimed by the first runs."
            )
            % {
                "vendor": connection.vendor,
                "customers": f"{Customer.objects.count():,}",
                "due": f"{backlog:,}",
                "breaches": f"{breaches:,}",
            }
        )
        width = max(len(t.job) for t in timings)
        header = f"{_('sweep'):<{width}}  {_('run'):<6}  {_('claimed'):>9}  {_('queries'):>8}"
        self.stdout.write(f"{header}  {_('seconds'):>8}")
        for t in timings:
            line = f"{t.job:<{width}}  {t.run:<6}  {t.claimed:>9,}  {t.queries:>8,}"
            line = f"{line}  {t.seconds:>8.2f}"
            self.stdout.write(self.style.ERROR(line) if t.seconds > limit else line)


def _timed(job: str, run: str, work: Callable[[], int]) -> Timing:
    # Counted by a wrapper, not from connection.queries: that log keeps the last 9,000 only,
    # and once full its length no longer grows.
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        claimed = work()
        seconds = time.perf_counter() - started
    return Timing(job, run, claimed, len(executed), seconds)
