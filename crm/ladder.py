"""The deadline ladder: remind once, escalate once after a grace, for every clock in Tend.

Each clock is declared once as a Ladder (``customers/ladders.py``, ``complaints/ladders.py``,
``onboarding/ladders.py``) and registered in its app's AppConfig.ready(); this module imports
no app. ``sweep()`` runs every registered ladder at one moment, and Celery beat runs it
through ``customers.tasks.run_deadline_sweep``.

A run works on sets, never on one item at a time:

- Each rung claims due items a batch at a time with ONE statement, ``UPDATE … SET mark = now
  WHERE mark IS NULL AND id IN (<the due query> ORDER BY id LIMIT n) RETURNING id, owner``.
  The mark condition sits in the UPDATE's own WHERE: on PostgreSQL a second worker that read
  the same rows waits for the first one's row locks, re-checks the condition, and skips them.
- Escalation comes first, so an item reminded in this run is not escalated in it. The grace
  is counted in business minutes through ONE cutoff per run
  (``BusinessCalendar.subtract_business_minutes``): ``add(notified_at, grace) <= now`` exactly
  when ``notified_at <= cutoff``. A wait before the reminder (an unanswered handoff) works
  the same way on its start field.
- Every item claimed in the run, all ladders and both rungs, is grouped by the person to tell,
  and each person gets ONE notice: per ladder the count of new breaches, the first
  ``LINES_PER_SECTION`` as one line each, and a link to the filtered list.

So the queries of a run grow with batches, ladders and people, never with items. A second run
at the same moment claims nothing and writes nothing. Services that restart a clock (a new due
time, progress, an answer) clear its two marks; that is what makes the ladder start again.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import NotSupportedError, connections, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from crm.calendar import BusinessCalendar
from crm.notices import notify_many, single_line
from crm.people import supervisors
from crm.text import person_name

logger = logging.getLogger(__name__)

# Items one UPDATE claims. Only ids and owners come back, so a batch can be large: at 100,000
# items a ladder takes a few dozen statements.
CLAIM_BATCH_SIZE = 2000
# Lines listed per ladder in a notice; the count covers the rest.
LINES_PER_SECTION = 10
LINE_MAX_LENGTH = 300

REMIND = "remind"
ESCALATE = "escalate"


@dataclass(frozen=True)
class Ladder:
    """One clock: which items are past due, their two marks, and whom to tell.

    ``due(now)`` returns the items whose clock runs and that are past due at now (the ladder
    adds the marks and the cutoffs). With ``start_field`` and ``wait_setting`` an item is due
    that many business minutes after its start field instead (a handoff after its offer).
    The reminder goes to the person in ``owner_field`` (a column of the item, "owner_id"), or
    to ``recipients(items)`` ({item pk: user ids}) when the clock has several, computed once
    per batch. The escalation goes ``grace_setting`` business minutes after the reminder to
    ``escalate_to()``, except the owner.
    """

    name: str  # slug, unique: "followup_overdue"
    label: Promise  # heading in a notice: "Overdue follow-ups"
    # The count in a subject: ngettext_lazy("%(count)s overdue follow-up", "…", "count"); %s
    # so that it reads with thousands separators (see _Count).
    counted: Promise
    due: Callable[[datetime], QuerySet]
    notified_field: str
    escalated_field: str
    grace_setting: str
    describe: Callable[[Any], str]  # one line about an item, read with `related` joined
    link: Callable[[], str]  # the filtered list: "/followups/?due=overdue"
    owner_field: str = "owner_id"
    start_field: str = ""
    wait_setting: str = ""
    related: tuple[str, ...] = ()
    recipients: Callable[[list], dict[int, Iterable[int]]] | None = None
    escalate_to: Callable[[], Iterable] = supervisors


@dataclass
class SweepReport:
    """What one sweep did: per ladder (notified, escalated), and the notices written."""

    per_ladder: dict[str, tuple[int, int]] = field(default_factory=dict)
    notices: int = 0

    @property
    def notified(self) -> int:
        return sum(notified for notified, _escalated in self.per_ladder.values())

    @property
    def escalated(self) -> int:
        return sum(escalated for _notified, escalated in self.per_ladder.values())


_ladders: dict[str, Ladder] = {}


def register(ladder: Ladder) -> Ladder:
    """Add a ladder for the deadline sweep; registering the same name again replaces it."""
    _ladders[ladder.name] = ladder
    return ladder


def registered() -> list[Ladder]:
    """Return the registered ladders in the order they were registered."""
    return list(_ladders.values())


# --- The sweep -----------------------------------------------------------------------------------


class _Count(int):
    """A count that picks the plural as a number and reads with thousands separators."""

    def __str__(self) -> str:
        return f"{int(self):,}"


@dataclass
class _Section:
    """What one person hears about one ladder's rung: a count and the first few items."""

    count: int = 0
    item_ids: list = field(default_factory=list)


@dataclass
class _Claimed:
    """One ladder's claims in this run: per person and rung, and the items to describe."""

    ladder: Ladder
    model: Any
    notified: int = 0
    escalated: int = 0
    sections: dict[tuple[int, str], _Section] = field(
        default_factory=lambda: defaultdict(_Section)
    )
    # item pk -> owner id, for the items some section lists.
    listed: dict[int, int] = field(default_factory=dict)
    items: dict[int, Any] = field(default_factory=dict)

    def add(self, person_id: int, rung: str, item_id: int, owner_id: int) -> None:
        section = self.sections[(person_id, rung)]
        section.count += 1
        if len(section.item_ids) < LINES_PER_SECTION:
            section.item_ids.append(item_id)
            self.listed[item_id] = owner_id


def sweep(*, now: datetime | None = None, ladders: Iterable[Ladder] | None = None) -> SweepReport:
    """Run the ladders (all registered ones by default) at one moment; tell each person once.

    One failing ladder does not stop the others: its claims are rolled back, it is logged,
    and the next run catches up.
    """
    now = now or timezone.now()
    ladders = registered() if ladders is None else list(ladders)
    calendar = BusinessCalendar.load()
    escalation_people: dict[Callable, list[int]] = {}
    report = SweepReport()
    runs: list[_Claimed] = []
    with transaction.atomic():
        for ladder in ladders:
            try:
                with transaction.atomic():
                    claimed = _run(ladder, now, calendar, escalation_people)
                    _read_listed(claimed)
            except Exception:
                logger.exception("Deadline ladder %s failed", ladder.name)
                continue
            runs.append(claimed)
            report.per_ladder[ladder.name] = (claimed.notified, claimed.escalated)
        report.notices = _write_notices(runs)
    return report


def _run(
    ladder: Ladder,
    now: datetime,
    calendar: BusinessCalendar,
    escalation_people: dict[Callable, list[int]],
) -> _Claimed:
    running = ladder.due(now)
    model = running.model
    claimed = _Claimed(ladder, model)
    notified = model._meta.get_field(ladder.notified_field).column
    escalated = model._meta.get_field(ladder.escalated_field).column
    owner = model._meta.get_field(ladder.owner_field).column

    # Escalate first: an item reminded below, in this run, is not escalated in it.
    cutoff = calendar.subtract_business_minutes(now, getattr(settings, ladder.grace_setting))
    waiting = running.filter(
        **{f"{ladder.escalated_field}__isnull": True, f"{ladder.notified_field}__lte": cutoff}
    )
    guard = {escalated: None, notified: cutoff}
    people = None
    for batch in _claims(waiting, escalated, now, guard, owner):
        if people is None:
            people = _escalation_people(ladder, escalation_people)
        for item_id, owner_id in batch:
            claimed.escalated += 1
            for person_id in people:
                # An owner who is also escalated to had the reminder already.
                if person_id != owner_id:
                    claimed.add(person_id, ESCALATE, item_id, owner_id)

    waiting = running.filter(**{f"{ladder.notified_field}__isnull": True})
    if ladder.start_field:
        wait = getattr(settings, ladder.wait_setting)
        start_cutoff = calendar.subtract_business_minutes(now, wait)
        waiting = waiting.filter(**{f"{ladder.start_field}__lte": start_cutoff})
    guard = {notified: None}
    for batch in _claims(waiting, notified, now, guard, owner):
        claimed.notified += len(batch)
        if ladder.recipients is None:
            for item_id, owner_id in batch:
                claimed.add(owner_id, REMIND, item_id, owner_id)
            continue
        # Several people per item (who may approve a remedy): worked out for the whole batch.
        items = list(_read(claimed, [item_id for item_id, _owner in batch]).values())
        claimed.items.update((item.pk, item) for item in items)
        recipients = ladder.recipients(items)
        for item_id, owner_id in batch:
            for person_id in recipients.get(item_id, ()):
                claimed.add(person_id, REMIND, item_id, owner_id)
    return claimed


def _escalation_people(ladder: Ladder, known: dict[Callable, list[int]]) -> list[int]:
    """Return the ids of the people the ladder escalates to, read once per sweep."""
    if ladder.escalate_to not in known:
        known[ladder.escalate_to] = [person.pk for person in ladder.escalate_to()]
    people = known[ladder.escalate_to]
    if not people:
        logger.warning("Nobody receives the escalations of the %s ladder.", ladder.name)
    return people


def _claims(
    waiting: QuerySet, column: str, now: datetime, guard: dict, owner: str
) -> Iterable[list[tuple[int, int]]]:
    """Mark the waiting items a batch at a time; yield each batch's (id, owner id) pairs.

    ``guard`` ({column: None} for IS NULL, {column: moment} for <= moment) is repeated in
    the UPDATE's own WHERE, where PostgreSQL re-checks it after waiting for a row lock. The
    rest of the due condition is judged by the subquery: an item finished in the instant
    between may still be told once, never twice.
    """
    connection = connections[waiting.db]
    if not connection.features.can_return_rows_from_bulk_insert:
        # Both databases Tend runs on have UPDATE … RETURNING (SQLite since 3.35).
        raise NotSupportedError("The deadline ladder needs UPDATE … RETURNING.")
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    model = waiting.model
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    conditions = [
        f"{quote(name)} IS NULL" if bound is None else f"{quote(name)} <= %s"
        for name, bound in guard.items()
    ]
    bounds = [adapt(bound) for bound in guard.values() if bound is not None]
    last_pk = 0
    while True:
        # Each batch starts after the last one's highest id: the database seeks there instead
        # of reading again past every row the earlier batches marked.
        ids = waiting.filter(pk__gt=last_pk).order_by("pk").values("pk")[:CLAIM_BATCH_SIZE]
        subquery, params = ids.query.get_compiler(using=waiting.db).as_sql()
        statement = (
            f"UPDATE {table} SET {quote(column)} = %s "  # noqa: S608 (names quoted, values bound)
            f"WHERE {' AND '.join(conditions)} AND {pk} IN ({subquery}) "
            f"RETURNING {pk}, {quote(owner)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [adapt(now), *bounds, *params])
            # RETURNING follows no order on PostgreSQL; notices list the oldest ids first.
            batch = sorted((row[0], row[1]) for row in cursor.fetchall())
        if batch:
            yield batch
            last_pk = batch[-1][0]
        # Short: the due rows ran out, or another worker took some; the next run sees the rest.
        if len(batch) < CLAIM_BATCH_SIZE:
            return


def _read(claimed: _Claimed, ids: Iterable[int]) -> dict[int, Any]:
    """Read items with what their lines need, in one query."""
    manager = claimed.model._base_manager
    return manager.select_related(*claimed.ladder.related).in_bulk(list(ids))


def _read_listed(claimed: _Claimed) -> None:
    """Read the items some notice lists (at most a few per person), in one query."""
    missing = [item_id for item_id in claimed.listed if item_id not in claimed.items]
    if missing:
        claimed.items.update(_read(claimed, missing))


# --- The notices ---------------------------------------------------------------------------------


def _write_notices(runs: list[_Claimed]) -> int:
    """Write one notice per person told anything in this run; return how many."""
    people_ids = {person_id for run in runs for person_id, _rung in run.sections}
    if not people_ids:
        return 0
    owner_ids = {owner_id for run in runs for owner_id in run.listed.values()}
    people = get_user_model()._base_manager.in_bulk(people_ids | owner_ids)
    site = settings.SITE_URL.rstrip("/")
    messages = []
    for person_id in sorted(people_ids):
        parts, paths, body = [], [], []
        for rung in (REMIND, ESCALATE):
            for run in runs:
                section = run.sections.get((person_id, rung))
                if section is None or not section.count:
                    continue
                ladder = run.ladder
                counted = ladder.counted % {"count": _Count(section.count)}
                parts.append(
                    counted if rung == REMIND else _("%(what)s escalated") % {"what": counted}
                )
                path = ladder.link()
                paths.append(path)
                body += [
                    "",
                    *_section_lines(run, section, rung, people),
                    _("See all: %(url)s") % {"url": site + path},
                ]
        person = people[person_id]
        subject = ", ".join(parts)
        # With one list the notice links to it; with several, to My day.
        path = paths[0] if len(set(paths)) == 1 else reverse("crm:my_day")
        messages.append((person, subject, "\n".join(body[1:]), path))
    return len(notify_many(messages))


def _section_lines(run: _Claimed, section: _Section, rung: str, people: dict) -> list[str]:
    ladder = run.ladder
    if rung == REMIND:
        heading = _("%(label)s: %(count)s new") % {
            "label": ladder.label,
            "count": f"{section.count:,}",
        }
    else:
        heading = _("Escalated to you, %(label)s: %(count)s still waiting after the grace") % {
            "label": str(ladder.label).lower(),
            "count": f"{section.count:,}",
        }
    lines = [heading]
    for item_id in section.item_ids:
        item = run.items.get(item_id)
        if item is None:
            continue
        text = ladder.describe(item)
        if rung == ESCALATE:
            owner = people.get(run.listed[item_id])
            text = f"{person_name(owner)}: {text}" if owner is not None else text
        lines.append("- " + single_line(text, LINE_MAX_LENGTH))
    hidden = section.count - len(section.item_ids)
    if hidden > 0:
        lines.append(_("… and %(count)s more.") % {"count": f"{hidden:,}"})
    return lines


def when(moment: datetime | None) -> str:
    """Return a moment as the ladders' lines write it: "Mon 02 Mar 10:00", local time."""
    if moment is None:
        return ""
    return f"{timezone.localtime(moment):%a %d %b %H:%M}"
