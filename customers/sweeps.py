"""Periodic work on commitments: the keep-in-touch planner and the daily digest.

The deadline sweep of overdue follow-ups is a ladder: see customers/ladders.py and crm/ladder.py.

Each function is a service that Celery beat runs through a thin task (customers.tasks). Each is
idempotent, so a retry, an overlapping run or a second worker changes nothing more: work is
claimed with a conditional update or a unique row before anything is sent, and the database
refuses a second open keep-in-touch. Each takes ``now`` so that tests can fix the clock.
"""

import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import insert_history, insert_rows
from crm.calendar import BusinessCalendar
from crm.notices import notify
from customers.models import Customer, DigestLog, FollowUp, Interaction
from customers.text import person_name

logger = logging.getLogger(__name__)

# Rows the keep-in-touch planner inserts per statement.
BATCH_SIZE = 2000
# How far ahead the planner looks for a day in the customer's contact window that is also open.
WINDOW_SEARCH_DAYS = 14
# A digest sums up the day ahead. A run this long after opening (the worker was down) still
# sends it; later, news of the day reaches people through the overdue notices instead.
DIGEST_SEND_WINDOW = timedelta(hours=4)
# The digest lists this many commitments per person; the counts in its subject cover them all.
DIGEST_MAX_LINES = 25


# --- Keep-in-touch planner -----------------------------------------------------------------------


def plan_keep_in_touch(*, now: datetime | None = None) -> int:
    """Give each customer due some positive contact a keep-in-touch follow-up; return how many.

    Due: an active customer, not do-not-contact, with a cadence and an active account owner,
    with no positive contact within the cadence and no open keep-in-touch. The follow-up goes to
    the account owner on the customer's preferred channel, due at the first moment in their
    contact window from the start of the next business day, inside business hours if possible.
    """
    now = now or timezone.now()
    calendar = BusinessCalendar.load()
    start = _next_day_start(now, calendar)
    subject_length = FollowUp._meta.get_field("subject").max_length
    due_by_window: dict[tuple, datetime] = {}
    planned = []
    for customer in _customers_due_contact(now):
        window = (customer.contact_days, customer.contact_from, customer.contact_until)
        # Most customers share a few windows: each is worked out once per run.
        if window not in due_by_window:
            due_by_window[window] = _first_moment_in_window(customer, start, calendar)
        subject = _("Keep in touch with %(customer)s") % {"customer": customer.name}
        planned.append(
            FollowUp(
                customer_id=customer.pk,
                owner_id=customer.account_owner_id,
                kind=FollowUp.Kind.KEEP_IN_TOUCH,
                subject=subject[:subject_length],
                due_at=due_by_window[window],
                channel=customer.preferred_channel,
                created_at=now,
                assigned_at=now,
            )
        )
    created = 0
    for offset in range(0, len(planned), BATCH_SIZE):
        created += _insert_keep_in_touch(planned[offset : offset + BATCH_SIZE], now)
    return created


def _customers_due_contact(now: datetime) -> Iterator[Customer]:
    """Yield the customers the planner should give a keep-in-touch, one query per cadence.

    Businesses use a handful of cadences (30, 90 days …): per cadence the "no positive contact
    since" test is one moment, so the database answers it with an anti-join on the partial
    index interaction_positive_idx and only due customers come back.
    """
    open_keep_in_touch = FollowUp.objects.open().filter(
        customer=OuterRef("pk"), kind=FollowUp.Kind.KEEP_IN_TOUCH
    )
    candidates = (
        # Archived customers are set aside: nobody is asked to call them.
        Customer.objects.current()
        .filter(
            status=Customer.Status.ACTIVE,
            do_not_contact=False,
            keep_in_touch_days__isnull=False,
            account_owner__is_active=True,
        )
        .filter(~Exists(open_keep_in_touch))
        .only(
            "name",
            "account_owner_id",
            "preferred_channel",
            "contact_days",
            "contact_from",
            "contact_until",
            "keep_in_touch_days",
        )
        .order_by("pk")
    )
    cadences = sorted(
        set(candidates.order_by().values_list("keep_in_touch_days", flat=True).distinct())
    )
    for days in cadences:
        recent_positive = Interaction.objects.filter(
            customer=OuterRef("pk"),
            is_positive=True,
            occurred_at__gt=now - timedelta(days=days),
        )
        due = candidates.filter(keep_in_touch_days=days).filter(~Exists(recent_positive))
        yield from due.iterator(chunk_size=2000)


@transaction.atomic
def _insert_keep_in_touch(follow_ups: list[FollowUp], now: datetime) -> int:
    """Insert the follow-ups, skipping customers who got an open keep-in-touch meanwhile."""
    try:
        # The fast path: at 100,000 customers a run plans tens of thousands, and the ORM's
        # bulk_create spends most of the run preparing values the driver can send as they are.
        with transaction.atomic():
            insert_rows(FollowUp, follow_ups, keys=True)
        inserted = follow_ups
    except IntegrityError:
        inserted = _insert_skipping_conflicts(follow_ups, now)
    # Neither path sends signals, so the history rows are written here.
    insert_history(FollowUp, [follow_up.pk for follow_up in inserted], at=now)
    return len(inserted)


def _insert_skipping_conflicts(follow_ups: list[FollowUp], now: datetime) -> list[FollowUp]:
    """Insert what the unique constraint allows; return the rows that went in."""
    for follow_up in follow_ups:
        follow_up.pk = None
        follow_up._state.adding = True
    # The unique constraint followup_one_open_keep_in_touch is the final guard: a planner
    # racing this one, or a person adding one by hand, makes the database skip that row.
    FollowUp.objects.bulk_create(follow_ups, ignore_conflicts=True)
    # Rows skipped above come back without an id on every database; read back what went in.
    # This run's rows are the open ones created at its `now` by nobody (people's have an actor).
    return list(
        FollowUp.objects.open().filter(
            customer_id__in=[follow_up.customer_id for follow_up in follow_ups],
            kind=FollowUp.Kind.KEEP_IN_TOUCH,
            created_at=now,
            created_by=None,
        )
    )


def _next_day_start(now: datetime, calendar: BusinessCalendar) -> datetime:
    """Return when the next business day starts: a day's lead for the account owner."""
    day = calendar.add_business_days(now, 1).astimezone(calendar.tz).date()
    return _day_start(day, calendar)


def _day_start(day: date, calendar: BusinessCalendar) -> datetime:
    """Return the opening on a business day, or DAY_START_HOUR when open around the clock."""
    if calendar.always_open:
        return datetime.combine(day, time(settings.DAY_START_HOUR), tzinfo=calendar.tz)
    opening = calendar.opening_time(day)
    if opening is None:
        raise ValueError(f"{day} is not a business day")
    return opening


def _first_moment_in_window(
    customer: Customer, start: datetime, calendar: BusinessCalendar
) -> datetime:
    """Return the first moment from start on the customer's days and hours, open if possible."""
    weekdays = customer.contact_weekdays
    windows = [
        window
        for window in _contact_windows(customer, start, calendar, WINDOW_SEARCH_DAYS)
        if not weekdays or window[0].weekday() in weekdays
    ]
    for window_start, window_end in windows:
        opening = calendar.next_opening(window_start)
        if opening < window_end:
            return opening
    # No open time falls in their window (say Saturdays only, and closed on Saturdays): the
    # customer's wish wins over the business's hours.
    return windows[0][0] if windows else start


def _contact_windows(
    customer: Customer, start: datetime, calendar: BusinessCalendar, days: int
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the customer's daily contact hours from start on, clipped to start, day by day."""
    first_day = start.astimezone(calendar.tz).date()
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        opens = datetime.combine(day, customer.contact_from or time(0), tzinfo=calendar.tz)
        if customer.contact_until:
            closes = datetime.combine(day, customer.contact_until, tzinfo=calendar.tz)
        else:
            closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.tz)
        if closes > start:
            yield max(opens, start), closes


# --- Daily digest --------------------------------------------------------------------------------


def send_daily_digests(*, now: datetime | None = None) -> int:
    """Email each person their overdue and due-today commitments once per business day.

    Runs hourly and sends from the day's opening (DAY_START_HOUR when open around the clock)
    for DIGEST_SEND_WINDOW; nobody with nothing due gets mail. Returns how many were sent.
    """
    now = now or timezone.now()
    calendar = BusinessCalendar.load()
    today = now.astimezone(calendar.tz).date()
    if not calendar.is_business_day(today):
        return 0
    opens = _day_start(today, calendar)
    if not opens <= now < opens + DIGEST_SEND_WINDOW:
        return 0
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=calendar.tz)
    waiting = (
        FollowUp.objects.open()
        .filter(due_at__lt=tomorrow, owner__is_active=True)
        .exclude(owner__email="")
        .filter(~Exists(DigestLog.objects.filter(user=OuterRef("owner"), day=today)))
    )
    counts = {
        row["owner"]: row
        for row in waiting.values("owner").annotate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            due_today=Count("pk", filter=Q(due_at__gte=now)),
        )
    }
    if not counts:
        return 0
    # The first lines per person only, however much is overdue: one query, bounded rows.
    lines = (
        waiting.select_related("customer", "owner")
        .annotate(
            line=Window(RowNumber(), partition_by=F("owner"), order_by=[F("due_at"), F("pk")])
        )
        .filter(line__lte=DIGEST_MAX_LINES)
        .order_by("owner", "due_at", "pk")
    )
    sent = 0
    for _owner_id, rows in groupby(lines, key=lambda follow_up: follow_up.owner_id):
        follow_ups = list(rows)
        owner = follow_ups[0].owner
        if _send_digest(owner, today, follow_ups, counts[owner.pk], now):
            sent += 1
    return sent


@transaction.atomic
def _send_digest(owner, today: date, follow_ups: list[FollowUp], count: dict, now) -> bool:
    """Claim today's digest for the owner and send it; tell whether this run sent it."""
    # The claim commits with the digest's notice, which the outbox then emails (and retries):
    # a second worker waits on the row and then finds it taken.
    _log, claimed = DigestLog.objects.get_or_create(user=owner, day=today)
    if not claimed:
        return False
    subject = _("Your day: %(overdue)d overdue, %(due_today)d due today") % {
        "overdue": count["overdue"],
        "due_today": count["due_today"],
    }
    notify(user=owner, subject=subject, body=_digest_body(owner, follow_ups, count, now))
    return True


def _digest_body(owner, follow_ups: list[FollowUp], count: dict, now: datetime) -> str:
    overdue = [follow_up for follow_up in follow_ups if follow_up.due_at < now]
    due_today = [follow_up for follow_up in follow_ups if follow_up.due_at >= now]
    lines = [_("Good morning %(name)s,") % {"name": owner.first_name or person_name(owner)}]
    if overdue:
        lines += ["", _("Overdue:")]
        lines += [_digest_line(follow_up, "%a %d %b %H:%M") for follow_up in overdue]
    if due_today:
        lines += ["", _("Due today:")]
        lines += [_digest_line(follow_up, "%H:%M") for follow_up in due_today]
    hidden = count["overdue"] + count["due_today"] - len(follow_ups)
    if hidden > 0:
        lines += ["", _("… and %(count)d more.") % {"count": hidden}]
    site = settings.SITE_URL.rstrip("/")
    lines += ["", _("Your follow-ups: %(url)s") % {"url": site + reverse("followups:list")}]
    return "\n".join(lines)


def _digest_line(follow_up: FollowUp, due_format: str) -> str:
    due = timezone.localtime(follow_up.due_at)
    return f"- {due:{due_format}}  {follow_up.customer}: {follow_up.subject}"
