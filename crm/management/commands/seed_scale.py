import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.scale import COMPLAINTS_STEP
from crm.calendar import default_week_line, set_default_week
from customers.models import Customer
from customers.scale import CUSTOMERS_STEP, ScaleBatch, ScaleStep, ensure_scale_staff
from onboarding.scale import ONBOARDING_STEP

# Run in this order for every batch, and cleared in the reverse order (children first). The
# customers step comes first: the others add their rows for the customers it created.
STEPS: list[ScaleStep] = [CUSTOMERS_STEP, COMPLAINTS_STEP, ONBOARDING_STEP]
SEED = 20240917  # the same data set every run, so that benchmarks compare like with like


class Command(BaseCommand):
    help = (
        "Build a large synthetic data set for benchmarks: N customers with their contacts, "
        "interactions, follow-ups, complaints and onboardings, built by the services' "
        "builders and inserted in bulk (COPY on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, required=True, help="How many customers to create."
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete all customers and everything attached to them (not the users).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Customers per batch (one transaction each). Default: 2000.",
        )

    def handle(self, *args, customers: int, clear: bool, batch_size: int, **options):
        if customers < 1:
            raise CommandError(
                _("--customers must be a whole number of at least 1 (got %(value)s).")
                % {"value": customers}
            )
        if batch_size < 1:
            raise CommandError(
                _("--batch-size must be a whole number of at least 1 (got %(value)s).")
                % {"value": batch_size}
            )
        if connection.vendor not in {"postgresql", "sqlite"}:
            # Rows are numbered ahead and written by COPY or executemany (crm/bulk.py).
            raise CommandError(_("seed_scale runs on PostgreSQL or SQLite."))
        started = time.monotonic()
        if clear:
            self._clear()
        staff = ensure_scale_staff()
        # Deadlines count in business hours, as a real business's do.
        if set_default_week():
            self.stdout.write(default_week_line())
        # Number on from what is there, so that a second run adds rows rather than duplicates.
        first = Customer.objects.aggregate(last=Max("pk"))["last"] or 0
        rng = random.Random(SEED + first)  # noqa: S311 - repeatable benchmark data, not secrets
        now = timezone.now()
        totals: Counter[str] = Counter()
        for offset in range(0, customers, batch_size):
            batch = ScaleBatch(
                first=first + offset,
                size=min(batch_size, customers - offset),
                now=now,
                rng=rng,
                staff=staff,
            )
            with transaction.atomic():
                for step in STEPS:
                    totals.update(step.seed(batch))
            # With DEBUG on, Django keeps the text of every query: megabytes per bulk insert.
            reset_queries()
            self.stdout.write(
                _("  %(done)s of %(total)s customers (%(seconds).1f s)")
                % {
                    "done": f"{offset + batch.size:,}",
                    "total": f"{customers:,}",
                    "seconds": time.monotonic() - started,
                }
            )
            self.stdout.flush()  # progress shows as it happens, also when piped to a file
        # Fresh statistics: without them PostgreSQL plans the first queries over the new rows
        # as if the tables were small (a nested loop where a hash join belongs, 50 ms not 2).
        # VACUUM as well sets the visibility map that autovacuum would set later, so counts
        # read only an index (an index-only scan) from the first benchmark on. VACUUM cannot
        # run inside a transaction (a test's).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                _("Created %(rows)s in %(seconds).1f s.")
                % {"rows": _describe(totals), "seconds": time.monotonic() - started}
            )
        )

    def _clear(self) -> None:
        started = time.monotonic()
        deleted: Counter[str] = Counter()
        with transaction.atomic():
            for step in reversed(STEPS):
                deleted.update(step.clear())
        self.stdout.write(
            _("Deleted %(rows)s in %(seconds).1f s.")
            % {"rows": _describe(deleted), "seconds": time.monotonic() - started}
        )


def _describe(counts: Counter[str]) -> str:
    return ", ".join(f"{count:,} {label}" for label, count in counts.items()) or _("nothing")
