from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from crm import notices
from crm.models import Holiday, Notice
from customers import sweeps
from customers.models import DigestLog
from tests.customers.business_week import (
    MONDAY,
    PREVIOUS_FRIDAY,
    SATURDAY,
    TUESDAY,
    at,
)
from tests.factories import CustomerFactory, FollowUpFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("business_week")]


def mail_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


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
