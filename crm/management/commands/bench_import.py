"""Measure a background CSV import of N generated customers: time and peak memory.

Run it against a scratch database: the customers it imports stay there.
"""

import csv
import io
import random
import resource
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection

from crm import imports, roles
from crm.models import ImportJob
from customers.resources import CustomerResource
from customers.scale import (
    AREA_CODES,
    FIRST_NAMES,
    LAST_NAMES,
    PHONE_FORMS,
    PLACES,
    SCALE_EMAIL_DOMAIN,
    TRADES,
    ensure_scale_staff,
)

SEED = 20261127
HEADER = [
    "name", "kind", "status", "account_owner", "phone", "email", "address", "preferred_channel",
    "contact_days", "contact_from", "contact_until", "do_not_contact", "interests", "goals",
    "keep_in_touch_days", "became_customer_on",
]  # fmt: skip


def generated_csv(rows: int, usernames: list[str]) -> bytes:
    """Return a CSV file of customers much like seed_scale's, one in ten written by hand."""
    rng = random.Random(SEED)  # noqa: S311 - test data, not secrets
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for number in range(rows):
        business = rng.random() < 0.6
        name = (
            f"{rng.choice(PLACES)} {rng.choice(TRADES)} {number}"
            if business
            else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        )
        phone = rng.choice(PHONE_FORMS).format(
            area=rng.choice(AREA_CODES), exchange="555", line=f"{number % 10000:04d}"
        )
        status = rng.choice(["active", "Active", "prospect", "onboarding"])
        writer.writerow(
            [
                name,
                "business" if business else "individual",
                status,
                rng.choice(usernames),
                phone,
                f"import{number}@{SCALE_EMAIL_DOMAIN}",
                f"{rng.randint(1, 999)} {rng.choice(PLACES)} Street",
                rng.choice(["phone", "email", "SMS", "in person"]),
                rng.choice(["", "Mon, Wed", "tue thu", "Fri"]),
                rng.choice(["", "09:00"]),
                rng.choice(["", "17:00"]),
                rng.choice(["no", "no", "yes"]),
                "bread, coffee",
                "Grow the shop",
                rng.choice(["", "30", "90"]),
                rng.choice(["", "2024-03-01"]),
            ]
        )
    return out.getvalue().encode()


class Command(BaseCommand):
    help = "Import N generated customers through a background import job and report the cost."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)

    def handle(self, *args, rows, **options):
        staff = ensure_scale_staff()
        owner, _created = get_user_model().objects.get_or_create(
            username="bench-import-owner", defaults={"is_staff": True}
        )
        owner.groups.add(Group.objects.get(name=roles.OWNERS))
        data = generated_csv(rows, [user.username for user in staff])
        job = ImportJob.objects.create(
            resource=imports.resource_path(CustomerResource),
            file_name="bench.csv",
            content=data,
            created_by=owner,
            total_rows=rows,
        )
        del data
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        imports.run_import_job(job_id=job.pk)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        job.refresh_from_db()
        outcome = f"{job.created_count} added, {job.error_count} bad rows {job.failure}".strip()
        self.stdout.write(
            f"{connection.vendor}: {rows} rows, {job.get_status_display()} ({outcome}) "
            f"in {seconds:.1f} s ({cpu:.1f} s of CPU in this process); peak memory "
            f"{peak / 1024:.0f} MB, {(peak - before) / 1024:.0f} MB above the "
            f"{before / 1024:.0f} MB before the job"
        )
