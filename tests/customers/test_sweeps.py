from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from crm import batches, notices, roles
from crm.models import Holiday, Notice
from customers import services, sweeps
from customers.models import Channel, Customer, DigestLog, FollowUp
from customers.sweeps import SweepResult
from tests.factories import CustomerFactory, FollowUpFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2026: Monday 2 March, before the clocks change; the week runs to Sunday 8 March.
PREVIOUS_FRIDAY = date(2026, 2, 27)
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
NEXT_MONDAY = date(2026, 3, 9)
KEEP_IN_TOUCH = FollowUp.Kind.KEEP_IN_TOUCH


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _business_settings(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.FOLLOW_UP_ESCALATION_MINUTES = 120
    settings.DAY_START_HOUR = 8
    # Notifications are Celery tasks enqueued after commit; run them in-process to see the mail.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the deadline sweep and the notifications it enqueues after commit."""

    def run(now: datetime | None = None) -> SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return sweeps.sweep_overdue_follow_ups(now=now)

    return run


def mail_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


# --- Deadline sweep ------------------------------------------------------------------------------


def test_overdue_follow_up_reminds_its_owner_once(staff, clock, sweep, mailoutbox):
    follow_up = FollowUpFactory(owner=staff, subject="Call Ada back", due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))

    first = sweep()
    second = sweep()

    assert first == SweepResult(notified=1)
    assert second == SweepResult()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [staff.email]
    assert mailoutbox[0].subject == "[Tend] Overdue: Call Ada back"
    assert f"/followups/{follow_up.pk}/" in mailoutbox[0].body
    follow_up.refresh_from_db()
    assert follow_up.overdue_notified_at == at(MONDAY, 10, 5)


def test_reminder_says_when_the_time_was_promised_to_the_customer(staff, clock, sweep, mailoutbox):
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 10), promised_to_customer=True)
    clock.set(at(MONDAY, 10, 5))

    sweep()

    assert "The customer was promised this time." in mailoutbox[0].body


def test_follow_up_not_yet_due_is_not_reminded(staff, clock, sweep, mailoutbox):
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 9, 59))

    assert sweep() == SweepResult()
    assert mailoutbox == []


@pytest.mark.parametrize("status", [FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
def test_done_or_cancelled_follow_up_is_neither_reminded_nor_escalated(
    staff, supervisor, clock, sweep, mailoutbox, status
):
    FollowUpFactory(
        owner=staff,
        due_at=at(MONDAY, 10),
        status=status,
        completed_at=at(MONDAY, 11),
        overdue_notified_at=at(MONDAY, 10, 5),
    )
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 10), status=status, completed_at=at(MONDAY, 11))
    clock.set(at(TUESDAY, 12))

    assert sweep() == SweepResult()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "meanwhile",
    [
        {"overdue_notified_at": datetime(2026, 3, 2, 10, 4, tzinfo=LONDON)},
        {"status": "done", "completed_at": datetime(2026, 3, 2, 10, 4, tzinfo=LONDON)},
        {"due_at": datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)},
    ],
    ids=["claimed by another worker", "completed", "moved later"],
)
def test_reminder_is_not_sent_when_the_row_changed_after_the_sweep_read_it(
    staff, clock, sweep, mailoutbox, monkeypatch, meanwhile
):
    follow_up = FollowUpFactory(owner=staff, due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    read_rows = sweeps.in_batches

    def rows_changed_after_reading(queryset):
        for row in read_rows(queryset):
            FollowUp.objects.filter(pk=row.pk).update(**meanwhile)
            yield row

    monkeypatch.setattr(sweeps, "in_batches", rows_changed_after_reading)

    assert sweep() == SweepResult()
    assert mailoutbox == []
    follow_up.refresh_from_db()
    assert follow_up.overdue_notified_at in {None, meanwhile.get("overdue_notified_at")}


def test_overdue_follow_up_escalates_to_supervisors_once_after_the_grace_period(
    weekdays_nine_to_five, staff, supervisor, clock, sweep, mailoutbox
):
    # given: a second supervisor, and a follow-up whose owner was reminded at 10:05
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    follow_up = FollowUpFactory(owner=staff, subject="Call Ada back", due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()

    # when: the sweep runs just before, at and after the end of the 120-minute grace
    clock.set(at(MONDAY, 12, 4))
    before = sweep()
    clock.set(at(MONDAY, 12, 5))
    due = sweep()
    clock.set(at(MONDAY, 12, 10))
    again = sweep()

    # then: one escalation, to each supervisor, and no second reminder to the owner
    assert before == SweepResult()
    assert due == SweepResult(escalated=1)
    assert again == SweepResult()
    assert len(mail_to(mailoutbox, staff)) == 1
    for person in (supervisor, other_supervisor):
        [escalation] = mail_to(mailoutbox, person)
        assert escalation.subject == "[Tend] Escalated: Call Ada back"
        assert "Sam" in escalation.body
    follow_up.refresh_from_db()
    assert follow_up.escalated_at == at(MONDAY, 12, 5)


def test_escalation_grace_counts_only_business_minutes(
    weekdays_nine_to_five, staff, supervisor, clock, sweep, mailoutbox
):
    # given: reminded on Friday at 16:30, half an hour before closing
    FollowUpFactory(owner=staff, due_at=at(FRIDAY, 16))
    clock.set(at(FRIDAY, 16, 30))
    sweep()

    # when/then: 30 minutes count on Friday, the other 90 on Monday from 09:00
    clock.set(at(SATURDAY, 12))
    assert sweep() == SweepResult()
    clock.set(at(NEXT_MONDAY, 10, 29))
    assert sweep() == SweepResult()
    clock.set(at(NEXT_MONDAY, 10, 30))
    assert sweep() == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, supervisor)) == 1


def test_escalation_skips_the_owner_when_the_owner_supervises(
    supervisor, clock, sweep, mailoutbox
):
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    FollowUpFactory(owner=supervisor, due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()
    clock.set(at(MONDAY, 12, 5))

    assert sweep() == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, supervisor)) == 1  # the reminder only
    assert len(mail_to(mailoutbox, other_supervisor)) == 1


def test_rescheduled_follow_up_is_reminded_and_escalated_again_when_missed_again(
    staff, supervisor, clock, sweep, mailoutbox
):
    # given: reminded and escalated for Monday 10:00
    follow_up = FollowUpFactory(owner=staff, due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()
    clock.set(at(MONDAY, 12, 5))
    sweep()
    assert len(mailoutbox) == 2

    # when: moved to Tuesday 10:00 and missed again
    clock.set(at(MONDAY, 13))
    services.reschedule_follow_up(
        actor=staff, follow_up=follow_up, due_at=at(TUESDAY, 10), reason="Asked for tomorrow"
    )
    clock.set(at(TUESDAY, 9, 55))
    before = sweep()
    clock.set(at(TUESDAY, 10, 5))
    reminded = sweep()
    clock.set(at(TUESDAY, 12, 5))
    escalated = sweep()

    # then
    assert before == SweepResult()
    assert reminded == SweepResult(notified=1)
    assert escalated == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, staff)) == 2
    assert len(mail_to(mailoutbox, supervisor)) == 2


def test_sweep_reads_in_batches_without_a_query_per_row_beyond_the_claim(
    staff, supervisor, clock, sweep, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(batches, "BATCH_SIZE", 10)
    customers = CustomerFactory.create_batch(3)
    for index in range(25):
        FollowUpFactory(owner=staff, customer=customers[index % 3], due_at=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))

    # calendar 2 + one read per batch for escalation and reminders (1 + 3) + one claim per row
    # and the notice it writes
    with django_assert_max_num_queries(2 + 1 + 3 + 25 * 2):
        result = sweeps.sweep_overdue_follow_ups()

    assert result == SweepResult(notified=25)
    assert FollowUp.objects.filter(overdue_notified_at__isnull=True).count() == 0


def test_run_deadline_sweeps_runs_every_registered_sweep_at_the_same_moment(
    clock, monkeypatch, caplog
):
    now = clock.set(at(MONDAY, 10))
    seen = []

    def complaints_sweep(*, now):
        seen.append(("complaints", now))
        return SweepResult(notified=2)

    def broken_sweep(*, now):
        raise RuntimeError("database hiccup")

    def onboarding_sweep(*, now):
        seen.append(("onboarding", now))
        return SweepResult(escalated=1)

    monkeypatch.setattr(sweeps, "deadline_sweeps", [complaints_sweep])
    sweeps.register_deadline_sweep(broken_sweep)
    sweeps.register_deadline_sweep(onboarding_sweep)
    sweeps.register_deadline_sweep(onboarding_sweep)

    result = sweeps.run_deadline_sweeps()

    assert result == SweepResult(notified=2, escalated=1)
    assert seen == [("complaints", now), ("onboarding", now)]
    assert "broken_sweep" in caplog.text


def test_customers_sweep_is_registered_for_the_deadline_task():
    assert sweeps.sweep_overdue_follow_ups in sweeps.deadline_sweeps


# --- Keep-in-touch planner -----------------------------------------------------------------------

PLANNED_AT = at(MONDAY, 6)
NEXT_OPENING = at(TUESDAY, 9)


@pytest.fixture
def planning(weekdays_nine_to_five, clock):
    clock.set(PLANNED_AT)


def due_customer(**overrides) -> Customer:
    """An active customer with a 30-day cadence and no contact yet, so due a keep-in-touch."""
    return CustomerFactory(**{"keep_in_touch_days": 30, **overrides})


def keep_in_touch_for(customer) -> FollowUp | None:
    return FollowUp.objects.filter(customer=customer, kind=KEEP_IN_TOUCH).first()


def test_planner_gives_the_account_owner_a_keep_in_touch_on_the_preferred_channel(planning, staff):
    customer = due_customer(name="Acme", account_owner=staff, preferred_channel=Channel.EMAIL)

    created = sweeps.plan_keep_in_touch()

    assert created == 1
    follow_up = keep_in_touch_for(customer)
    assert follow_up.owner == staff
    assert follow_up.channel == Channel.EMAIL
    assert follow_up.status == FollowUp.Status.OPEN
    assert follow_up.subject == "Keep in touch with Acme"
    assert follow_up.promised_to_customer is False
    # a day's lead: the start of the next business day
    assert follow_up.due_at == NEXT_OPENING
    assert follow_up.history.count() == 1


@pytest.mark.parametrize(
    ("cadence", "positive_days_ago", "planned"),
    [(30, 40, True), (30, 30, True), (30, 29, False), (60, 40, False), (90, None, True)],
)
def test_planner_respects_each_customers_cadence(planning, cadence, positive_days_ago, planned):
    customer = due_customer(keep_in_touch_days=cadence)
    if positive_days_ago is not None:
        InteractionFactory(
            customer=customer,
            is_positive=True,
            occurred_at=PLANNED_AT - timedelta(days=positive_days_ago),
        )

    sweeps.plan_keep_in_touch()

    assert (keep_in_touch_for(customer) is not None) is planned


def test_planner_counts_only_positive_contact(planning):
    customer = due_customer()
    InteractionFactory(customer=customer, is_positive=False, occurred_at=PLANNED_AT)
    InteractionFactory(
        customer=customer, is_positive=True, occurred_at=PLANNED_AT - timedelta(days=45)
    )

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer) is not None


@pytest.mark.parametrize(
    "overrides",
    [
        {"do_not_contact": True},
        {"status": Customer.Status.PROSPECT},
        {"status": Customer.Status.ONBOARDING},
        {"status": Customer.Status.FORMER},
        {"keep_in_touch_days": None},
        {"account_owner": None},
    ],
    ids=["do not contact", "prospect", "onboarding", "former", "no cadence", "no account owner"],
)
def test_planner_leaves_out_customers_not_to_plan_for(planning, overrides):
    customer = due_customer(**overrides)

    assert sweeps.plan_keep_in_touch() == 0
    assert keep_in_touch_for(customer) is None


def test_planner_leaves_out_customers_whose_account_owner_has_left(planning):
    customer = due_customer(account_owner=UserFactory(is_active=False))

    assert sweeps.plan_keep_in_touch() == 0
    assert keep_in_touch_for(customer) is None


def test_planner_does_not_add_a_second_open_keep_in_touch(planning):
    customer = due_customer()
    FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH, due_at=at(MONDAY - timedelta(9), 9))

    assert sweeps.plan_keep_in_touch() == 0
    assert FollowUp.objects.filter(customer=customer).count() == 1


def test_planner_plans_again_once_the_last_keep_in_touch_is_closed(planning):
    customer = due_customer()
    FollowUpFactory(
        customer=customer, kind=KEEP_IN_TOUCH, status="cancelled", due_at=at(MONDAY, 9)
    )

    assert sweeps.plan_keep_in_touch() == 1
    assert FollowUp.objects.open().filter(customer=customer, kind=KEEP_IN_TOUCH).count() == 1


def test_planner_leaves_archived_customers_alone(planning, supervisor):
    kept = due_customer()
    gone = services.archive_customer(actor=supervisor, customer=due_customer())

    assert sweeps.plan_keep_in_touch() == 1
    assert keep_in_touch_for(kept) is not None
    assert keep_in_touch_for(gone) is None


def test_planner_run_twice_plans_nothing_more(planning):
    due_customer()
    due_customer()

    first = sweeps.plan_keep_in_touch()
    second = sweeps.plan_keep_in_touch()

    assert (first, second) == (2, 0)
    assert FollowUp.objects.filter(kind=KEEP_IN_TOUCH).count() == 2


def test_planner_skips_a_customer_given_a_keep_in_touch_while_it_ran(planning, monkeypatch):
    # given: another planner, started a second earlier, inserts after this one has read
    customer = due_customer()
    read_candidates = sweeps._customers_due_contact

    def raced(now):
        for candidate in read_candidates(now):
            FollowUpFactory(
                customer=candidate,
                kind=KEEP_IN_TOUCH,
                subject="Theirs",
                created_at=now - timedelta(seconds=1),
            )
            yield candidate

    monkeypatch.setattr(sweeps, "_customers_due_contact", raced)

    # when
    created = sweeps.plan_keep_in_touch()

    # then: the database constraint made the insert skip it
    assert created == 0
    assert list(FollowUp.objects.filter(customer=customer).values_list("subject", flat=True)) == [
        "Theirs"
    ]


def test_database_refuses_a_second_open_keep_in_touch_for_a_customer(db):
    customer = due_customer()
    FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH)

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(customer=customer, kind=KEEP_IN_TOUCH)


@pytest.mark.parametrize(
    ("window", "due"),
    [
        ({"contact_days": "4"}, at(FRIDAY, 9)),
        ({"contact_days": "30"}, at(date(2026, 3, 5), 9)),
        ({"contact_from": time(14), "contact_until": time(16)}, at(TUESDAY, 14)),
        ({"contact_from": time(8), "contact_until": time(10)}, at(TUESDAY, 9)),
        ({"contact_until": time(12), "contact_days": "1"}, at(TUESDAY, 9)),
        ({"contact_days": "2", "contact_from": time(16, 30)}, at(date(2026, 3, 4), 16, 30)),
    ],
    ids=[
        "Fridays",
        "Mondays or Thursdays",
        "afternoons",
        "window opening before the business",
        "Tuesday mornings",
        "Wednesday late afternoons",
    ],
)
def test_planner_sets_the_due_time_inside_the_contact_window_and_business_hours(
    planning, window, due
):
    customer = due_customer(**window)

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer).due_at == due


def test_planner_prefers_the_contact_window_when_the_business_is_closed_then(planning):
    evenings = due_customer(contact_from=time(18), contact_until=time(20))
    saturdays = due_customer(contact_days="5", contact_from=time(10))

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(evenings).due_at == at(TUESDAY, 18)
    assert keep_in_touch_for(saturdays).due_at == at(SATURDAY, 10)


def test_planner_skips_holidays_for_the_lead(planning):
    Holiday.objects.create(date=TUESDAY, name="Founders' day")
    customer = due_customer()

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(customer).due_at == at(date(2026, 3, 4), 9)


def test_planner_around_the_clock_plans_from_the_start_of_the_next_day(clock, settings):
    settings.DAY_START_HOUR = 7
    clock.set(at(SATURDAY, 6))
    anytime = due_customer()
    late = due_customer(contact_from=time(19, 30))

    sweeps.plan_keep_in_touch()

    assert keep_in_touch_for(anytime).due_at == at(date(2026, 3, 8), 7)
    assert keep_in_touch_for(late).due_at == at(date(2026, 3, 8), 19, 30)


def test_planner_runs_a_constant_number_of_queries(
    planning, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 10)
    owners = UserFactory.create_batch(3)
    for index in range(25):
        due_customer(account_owner=owners[index % 3], contact_days=str(index % 7))

    # calendar 2 + candidates 1 + per batch of 10 (savepoint, insert, read back, history,
    # release: 5) x 3
    with django_assert_max_num_queries(3 + 5 * 3):
        created = sweeps.plan_keep_in_touch()

    assert created == 25


# --- Daily digest --------------------------------------------------------------------------------


@pytest.fixture
def digest(weekdays_nine_to_five, clock, django_capture_on_commit_callbacks):
    """Run the digest at a moment, and send the notices it writes as the outbox would."""

    def run(now: datetime) -> int:
        clock.set(now)
        with django_capture_on_commit_callbacks(execute=True):
            return sweeps.send_daily_digests()

    return run


def test_digest_lists_overdue_and_due_today_work_once_per_day(digest, staff, mailoutbox):
    # given
    customer = CustomerFactory(name="Acme")
    FollowUpFactory(
        owner=staff, customer=customer, subject="Send quote", due_at=at(PREVIOUS_FRIDAY, 15)
    )
    FollowUpFactory(owner=staff, customer=customer, subject="Call Ada", due_at=at(MONDAY, 11))
    FollowUpFactory(owner=staff, subject="Tomorrow's", due_at=at(TUESDAY, 11))
    FollowUpFactory(
        owner=staff,
        subject="Done",
        due_at=at(MONDAY, 9),
        status="done",
        completed_at=at(MONDAY, 8),
    )

    # when: the hourly task runs at opening and twice more
    sent = [digest(at(MONDAY, 9)), digest(at(MONDAY, 10)), digest(at(MONDAY, 11))]

    # then
    assert sent == [1, 0, 0]
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert message.subject == "[Tend] Your day: 1 overdue, 1 due today"
    assert "Overdue:\n- Fri 27 Feb 15:00  Acme: Send quote\n" in message.body
    assert "Due today:\n- 11:00  Acme: Call Ada\n" in message.body
    assert "/followups/" in message.body
    assert "Tomorrow's" not in message.body
    assert "Done" not in message.body
    assert DigestLog.objects.filter(user=staff, day=MONDAY).count() == 1


def test_digest_goes_to_each_person_with_their_own_work(digest, staff, other_staff, mailoutbox):
    FollowUpFactory(owner=staff, subject="Sam's", due_at=at(MONDAY, 11))
    FollowUpFactory(owner=other_staff, subject="Alex's", due_at=at(MONDAY, 12))
    FollowUpFactory(owner=other_staff, subject="Alex's too", due_at=at(MONDAY, 13))

    assert digest(at(MONDAY, 9)) == 2
    [to_sam] = mail_to(mailoutbox, staff)
    [to_alex] = mail_to(mailoutbox, other_staff)
    assert "Sam's" in to_sam.body and "Alex's" not in to_sam.body
    assert to_alex.subject == "[Tend] Your day: 0 overdue, 2 due today"


def test_no_digest_for_someone_with_nothing_due(digest, staff, other_staff, mailoutbox):
    FollowUpFactory(owner=other_staff, due_at=at(TUESDAY, 10))

    assert digest(at(MONDAY, 9)) == 0
    assert mailoutbox == []
    assert not DigestLog.objects.exists()


def test_no_digest_before_the_business_opens(digest, staff, mailoutbox):
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 11))

    before = digest(at(MONDAY, 8, 59))
    at_opening = digest(at(MONDAY, 9))

    assert (before, at_opening) == (0, 1)
    assert len(mailoutbox) == 1


def test_no_digest_on_a_closed_day(digest, staff, mailoutbox):
    Holiday.objects.create(date=MONDAY, name="Bank holiday")
    FollowUpFactory(owner=staff, due_at=at(SATURDAY, 11))
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 11))

    assert digest(at(SATURDAY, 9)) == 0
    assert digest(at(MONDAY, 10)) == 0
    assert mailoutbox == []


def test_digest_still_goes_out_on_a_late_run_but_not_in_the_afternoon(digest, staff, mailoutbox):
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 16))

    assert digest(at(MONDAY, 14)) == 0
    assert digest(at(TUESDAY, 12)) == 1
    assert len(mailoutbox) == 1


def test_digest_around_the_clock_goes_out_at_the_start_of_the_day(
    clock, settings, staff, mailoutbox
):
    settings.TIME_ZONE = "America/New_York"
    new_york = ZoneInfo("America/New_York")
    FollowUpFactory(owner=staff, due_at=datetime(2026, 3, 7, 20, tzinfo=new_york))

    clock.set(datetime(2026, 3, 7, 7, 59, tzinfo=new_york))
    early = sweeps.send_daily_digests()
    clock.set(datetime(2026, 3, 7, 8, tzinfo=new_york))
    at_eight = sweeps.send_daily_digests()

    assert (early, at_eight) == (0, 1)
    assert DigestLog.objects.get(user=staff).day == date(2026, 3, 7)


def test_digest_lists_the_first_lines_and_counts_the_rest(digest, staff, mailoutbox, monkeypatch):
    monkeypatch.setattr(sweeps, "DIGEST_MAX_LINES", 2)
    for hour in (10, 11, 12):
        FollowUpFactory(owner=staff, subject=f"At {hour}", due_at=at(MONDAY, hour))

    digest(at(MONDAY, 9))

    [message] = mailoutbox
    assert message.subject == "[Tend] Your day: 0 overdue, 3 due today"
    assert "At 10" in message.body and "At 11" in message.body
    assert "At 12" not in message.body
    assert "and 1 more" in message.body


def test_digest_the_mail_server_refused_stays_in_the_outbox_and_goes_out_when_it_is_back(
    digest, staff, mailoutbox, monkeypatch
):
    # given: the mail server refuses the digest at opening
    FollowUpFactory(owner=staff, due_at=at(MONDAY, 11))

    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notices, "send_mail", mail_server_down)
    assert digest(at(MONDAY, 9)) == 1
    [notice] = Notice.objects.filter(recipient=staff)
    assert (notice.status, notice.attempts) == (Notice.Status.QUEUED, 1)
    assert "mail server down" in notice.last_error

    # when: it is back, the next hourly digest writes nothing new and the outbox catches up
    monkeypatch.undo()
    assert digest(at(MONDAY, 10)) == 0
    assert notices.send_due_notices() == 1

    # then
    [message] = mailoutbox
    assert message.subject == "[Tend] Your day: 0 overdue, 1 due today"
    assert DigestLog.objects.filter(user=staff, day=MONDAY).count() == 1


def test_no_digest_for_someone_without_an_email_address(digest, mailoutbox):
    FollowUpFactory(owner=UserFactory(email=""), due_at=at(MONDAY, 11))

    assert digest(at(MONDAY, 9)) == 0
    assert not DigestLog.objects.exists()
