from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from complaints import sweeps
from complaints.models import Complaint
from crm import batches, roles
from customers import sweeps as customer_sweeps
from customers import tasks
from customers.sweeps import SweepResult
from tests.factories import ComplaintFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2026: Monday 2 March, before the clocks change.
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
# Far enough ahead that no test reaches it: the deadlines a test does not look at.
LATER = datetime(2026, 4, 1, 12, tzinfo=LONDON)
GRACE = 60
STATUS = Complaint.Status


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _business_settings(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.COMPLAINT_ESCALATION_MINUTES = GRACE
    # Notifications are Celery tasks enqueued after commit; run them in-process to see the mail.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the complaints' SLA sweep and the notifications it enqueues after commit."""

    def run() -> SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return sweeps.sweep_complaint_deadlines()

    return run


def complaint_for(owner, **fields) -> Complaint:
    """A new complaint owned by owner, received Monday 08:00, no deadline passed unless told."""
    defaults = {
        "owner": owner,
        "logged_by": owner,
        "received_at": at(MONDAY, 8),
        "first_response_due": LATER,
        "next_update_due": LATER,
        "resolution_due": LATER,
    }
    return ComplaintFactory(**{**defaults, **fields})


def all_missed_by(moment: datetime) -> dict:
    return {"first_response_due": moment, "next_update_due": moment, "resolution_due": moment}


def mail_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


# (deadline field, its notice mark, its escalation mark, the notice's title, what was late)
CLOCKS = [
    pytest.param(
        "first_response_due",
        "first_response_notified_at",
        "first_response_escalated_at",
        "First response overdue",
        "the first response to the customer was due Mon 02 Mar 10:00",
        id="first response",
    ),
    pytest.param(
        "next_update_due",
        "update_notified_at",
        "update_escalated_at",
        "Customer update overdue",
        "the customer was due an update Mon 02 Mar 10:00",
        id="customer update",
    ),
    pytest.param(
        "resolution_due",
        "resolution_notified_at",
        "resolution_escalated_at",
        "Resolution overdue",
        "it was due to be resolved Mon 02 Mar 10:00",
        id="resolution",
    ),
]


# --- Notices to the owner ------------------------------------------------------------------------


@pytest.mark.parametrize(("due_field", "notified_field", "_escalated", "title", "late"), CLOCKS)
def test_missed_deadline_notifies_the_owner_once(
    staff, clock, sweep, mailoutbox, due_field, notified_field, _escalated, title, late
):
    # given: one deadline missed at 10:00
    customer = CustomerFactory(name="Ada's Bakery")
    complaint = complaint_for(
        staff,
        customer=customer,
        reference="C-000123",
        severity="high",
        **{due_field: at(MONDAY, 10)},
    )
    clock.set(at(MONDAY, 10, 5))

    # when
    first = sweep()
    second = sweep()

    # then
    assert first == SweepResult(notified=1)
    assert second == SweepResult()
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert message.subject == f"[Tend] {title}: C-000123, Ada's Bakery"
    assert f"Your complaint C-000123 from Ada's Bakery is late: {late}." in message.body
    assert "Severity: High" in message.body
    assert complaint.get_absolute_url() in message.body
    complaint.refresh_from_db()
    assert getattr(complaint, notified_field) == at(MONDAY, 10, 5)


def test_every_missed_deadline_of_a_complaint_gets_its_own_notice(staff, clock, sweep, mailoutbox):
    complaint_for(staff, **all_missed_by(at(MONDAY, 10)))
    clock.set(at(MONDAY, 10, 5))

    assert sweep() == SweepResult(notified=3)
    assert sorted(message.subject.split(":")[0] for message in mailoutbox) == [
        "[Tend] Customer update overdue",
        "[Tend] First response overdue",
        "[Tend] Resolution overdue",
    ]


def test_deadline_not_yet_passed_is_not_notified(staff, clock, sweep, mailoutbox):
    complaint_for(staff, **all_missed_by(at(MONDAY, 10)))
    clock.set(at(MONDAY, 10))

    assert sweep() == SweepResult()
    assert mailoutbox == []


def test_acknowledged_complaint_does_not_breach_its_first_response(
    staff, clock, sweep, mailoutbox
):
    complaint = complaint_for(
        staff,
        status=STATUS.ACKNOWLEDGED,
        acknowledged_at=at(MONDAY, 9),
        first_response_due=at(MONDAY, 10),
    )
    clock.set(at(MONDAY, 12))

    assert sweep() == SweepResult()
    assert mailoutbox == []
    complaint.refresh_from_db()
    assert complaint.first_response_notified_at is None


# --- Complaints left alone -----------------------------------------------------------------------


def test_paused_complaint_is_neither_notified_nor_escalated(
    staff, supervisor, clock, sweep, mailoutbox
):
    # given: one paused complaint never notified, another notified long before it was paused
    paused = {"status": STATUS.WAITING_ON_CUSTOMER, "paused_at": at(MONDAY, 9)}
    complaint_for(staff, **paused, **all_missed_by(at(MONDAY, 10)))
    complaint_for(
        staff,
        **paused,
        **all_missed_by(at(MONDAY, 8, 30)),
        first_response_notified_at=at(MONDAY, 8, 35),
        update_notified_at=at(MONDAY, 8, 35),
        resolution_notified_at=at(MONDAY, 8, 35),
    )
    clock.set(at(TUESDAY, 12))

    # when/then
    assert sweep() == SweepResult()
    assert mailoutbox == []


@pytest.mark.parametrize("status", [STATUS.RESOLVED, STATUS.CLOSED])
def test_resolved_or_closed_complaint_is_neither_notified_nor_escalated(
    staff, supervisor, clock, sweep, mailoutbox, status
):
    complaint_for(staff, status=status, **all_missed_by(at(MONDAY, 10)))
    complaint_for(
        staff,
        status=status,
        **all_missed_by(at(MONDAY, 8, 30)),
        first_response_notified_at=at(MONDAY, 8, 35),
        update_notified_at=at(MONDAY, 8, 35),
        resolution_notified_at=at(MONDAY, 8, 35),
    )
    clock.set(at(TUESDAY, 12))

    assert sweep() == SweepResult()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "meanwhile",
    [
        {"resolution_notified_at": datetime(2026, 3, 2, 10, 4, tzinfo=LONDON)},
        {"status": "resolved"},
        {"status": "waiting_on_customer", "paused_at": datetime(2026, 3, 2, 10, 4, tzinfo=LONDON)},
        {"resolution_due": datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)},
    ],
    ids=["claimed by another worker", "resolved", "paused", "moved later"],
)
def test_notice_is_not_sent_when_the_complaint_changed_after_the_sweep_read_it(
    staff, clock, sweep, mailoutbox, monkeypatch, meanwhile
):
    complaint = complaint_for(staff, resolution_due=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    read_rows = sweeps.in_batches

    def rows_changed_after_reading(queryset):
        for row in read_rows(queryset):
            Complaint.objects.filter(pk=row.pk).update(**meanwhile)
            yield row

    monkeypatch.setattr(sweeps, "in_batches", rows_changed_after_reading)

    assert sweep() == SweepResult()
    assert mailoutbox == []
    complaint.refresh_from_db()
    assert complaint.resolution_notified_at in {None, meanwhile.get("resolution_notified_at")}


# --- Escalation to supervisors -------------------------------------------------------------------


@pytest.mark.parametrize(("due_field", "_notified", "escalated_field", "title", "late"), CLOCKS)
def test_breach_escalates_to_every_supervisor_once_after_the_grace(
    weekdays_nine_to_five,
    staff,
    supervisor,
    clock,
    sweep,
    mailoutbox,
    due_field,
    _notified,
    escalated_field,
    title,
    late,
):
    # given: a second supervisor, and an owner told of the breach at 10:05
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    customer = CustomerFactory(name="Ada's Bakery")
    complaint = complaint_for(
        staff, customer=customer, reference="C-000123", **{due_field: at(MONDAY, 10)}
    )
    clock.set(at(MONDAY, 10, 5))
    sweep()

    # when: the sweep runs just before, at and after the end of the 60-minute grace
    clock.set(at(MONDAY, 11, 4))
    before = sweep()
    clock.set(at(MONDAY, 11, 5))
    due = sweep()
    clock.set(at(MONDAY, 11, 10))
    again = sweep()

    # then: one escalation to each supervisor, and no second notice to the owner
    assert before == SweepResult()
    assert due == SweepResult(escalated=1)
    assert again == SweepResult()
    assert len(mail_to(mailoutbox, staff)) == 1
    for person in (supervisor, other_supervisor):
        [escalation] = mail_to(mailoutbox, person)
        assert escalation.subject == f"[Tend] Escalated: {title}: C-000123, Ada's Bakery"
        assert f"complaint C-000123 from Ada's Bakery is still late: {late}." in escalation.body
        assert f"{staff.get_full_name()} was told Mon 02 Mar 10:05." in escalation.body
        assert complaint.get_absolute_url() in escalation.body
    complaint.refresh_from_db()
    assert getattr(complaint, escalated_field) == at(MONDAY, 11, 5)


def test_escalation_grace_counts_only_business_minutes_across_a_closed_night(
    weekdays_nine_to_five, staff, supervisor, clock, sweep, mailoutbox
):
    # given: the owner told at 16:30 on Monday, half an hour before closing
    complaint_for(staff, resolution_due=at(MONDAY, 16))
    clock.set(at(MONDAY, 16, 30))
    assert sweep() == SweepResult(notified=1)

    # when/then: 30 minutes count on Monday, the other 30 on Tuesday from 09:00
    clock.set(at(MONDAY, 23))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 9, 29))
    assert sweep() == SweepResult()
    clock.set(at(TUESDAY, 9, 30))
    assert sweep() == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, supervisor)) == 1


def test_escalation_goes_to_other_supervisors_but_not_to_the_owner_who_supervises(
    supervisor, clock, sweep, mailoutbox
):
    other_supervisor = UserFactory(username="other_supervisor", group=roles.SUPERVISORS)
    complaint_for(supervisor, resolution_due=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()
    clock.set(at(MONDAY, 11, 5))

    assert sweep() == SweepResult(escalated=1)
    [notice] = mail_to(mailoutbox, supervisor)
    assert "Escalated" not in notice.subject
    [escalation] = mail_to(mailoutbox, other_supervisor)
    assert escalation.subject.startswith("[Tend] Escalated: ")


def test_first_response_given_after_the_notice_is_not_escalated(
    staff, supervisor, clock, sweep, mailoutbox
):
    complaint = complaint_for(staff, first_response_due=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()
    Complaint.objects.filter(pk=complaint.pk).update(
        status=STATUS.ACKNOWLEDGED, acknowledged_at=at(MONDAY, 10, 30)
    )
    clock.set(at(MONDAY, 12))

    assert sweep() == SweepResult()
    assert mail_to(mailoutbox, supervisor) == []


@pytest.mark.parametrize(
    "meanwhile",
    [
        {"resolution_escalated_at": datetime(2026, 3, 2, 11, 4, tzinfo=LONDON)},
        {"resolution_notified_at": datetime(2026, 3, 2, 11, 4, tzinfo=LONDON)},
        {"status": "resolved"},
    ],
    ids=["escalated by another worker", "notified afresh", "resolved"],
)
def test_escalation_is_not_sent_when_the_complaint_changed_after_the_sweep_read_it(
    staff, supervisor, clock, sweep, mailoutbox, monkeypatch, meanwhile
):
    complaint_for(staff, resolution_due=at(MONDAY, 10), resolution_notified_at=at(MONDAY, 10, 5))
    clock.set(at(MONDAY, 11, 5))
    read_rows = sweeps.in_batches

    def rows_changed_after_reading(queryset):
        for row in read_rows(queryset):
            Complaint.objects.filter(pk=row.pk).update(**meanwhile)
            yield row

    monkeypatch.setattr(sweeps, "in_batches", rows_changed_after_reading)

    assert sweep() == SweepResult()
    assert mail_to(mailoutbox, supervisor) == []


def test_customer_updated_after_the_notice_is_notified_and_escalated_afresh_when_missed_again(
    staff, supervisor, clock, sweep, mailoutbox
):
    # given: the customer update due at 10:00 was missed, notified and escalated
    complaint = complaint_for(staff, next_update_due=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))
    sweep()
    clock.set(at(MONDAY, 11, 5))
    sweep()
    assert len(mailoutbox) == 2

    # when: the customer is updated at 11:30 (the services clear the marks and set the next
    # update due at 15:00) and that update is missed too
    Complaint.objects.filter(pk=complaint.pk).update(
        update_notified_at=None, update_escalated_at=None, next_update_due=at(MONDAY, 15)
    )
    clock.set(at(MONDAY, 14, 55))
    before = sweep()
    clock.set(at(MONDAY, 15, 5))
    notified = sweep()
    clock.set(at(MONDAY, 16, 5))
    escalated = sweep()

    # then
    assert before == SweepResult()
    assert notified == SweepResult(notified=1)
    assert escalated == SweepResult(escalated=1)
    assert len(mail_to(mailoutbox, staff)) == 2
    assert len(mail_to(mailoutbox, supervisor)) == 2
    assert "due an update Mon 02 Mar 15:00" in mail_to(mailoutbox, staff)[1].body


# --- Cost and wiring -----------------------------------------------------------------------------


def test_sweep_reads_in_batches_without_a_query_per_row_beyond_the_claim(
    staff, supervisor, clock, django_assert_max_num_queries, monkeypatch
):
    # given: 25 complaints missing all three deadlines, read 10 at a time
    monkeypatch.setattr(batches, "BATCH_SIZE", 10)
    customers = CustomerFactory.create_batch(3)
    for index in range(25):
        complaint_for(staff, customer=customers[index % 3], **all_missed_by(at(MONDAY, 10)))
    clock.set(at(MONDAY, 10, 5))

    # when/then: calendar 2, and per clock one escalation read, three reads of the notices
    # (10 + 10 + 5) and one claim per complaint and the notice it writes
    with django_assert_max_num_queries(2 + 3 * (1 + 3 + 25 * 2)):
        notified = sweeps.sweep_complaint_deadlines()
    clock.set(at(MONDAY, 11, 5))
    # calendar 2, supervisors once, and per clock three escalation reads, one claim per
    # complaint and the notice to the supervisor it writes, and one read of notices still to send
    with django_assert_max_num_queries(2 + 1 + 3 * (3 + 25 * 2 + 1)):
        escalated = sweeps.sweep_complaint_deadlines()

    assert notified == SweepResult(notified=75)
    assert escalated == SweepResult(escalated=75)


def test_complaint_sweep_is_registered_for_the_deadline_task():
    assert sweeps.sweep_complaint_deadlines in customer_sweeps.deadline_sweeps


def test_deadline_task_notifies_the_owner_of_a_missed_complaint_deadline(
    staff, clock, mailoutbox, django_capture_on_commit_callbacks
):
    complaint_for(staff, reference="C-000123", resolution_due=at(MONDAY, 10))
    clock.set(at(MONDAY, 10, 5))

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.run_deadline_sweep()

    assert result == {"notified": 1, "escalated": 0}
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert message.subject.startswith("[Tend] Resolution overdue: C-000123, ")
