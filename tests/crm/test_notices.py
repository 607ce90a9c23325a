"""The notices outbox: written with the change, sent once, retried, caught up, never lost."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from crm import notices, tasks
from crm.models import Notice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _noon(clock, eager_celery, settings):
    clock.set(NOON)
    settings.SITE_URL = "https://tend.example"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as a transaction that commits: its after-commit work runs at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mail_server(monkeypatch):
    """The mail server behind send_mail; ``mail_server.fail(error)`` makes every send raise."""

    class MailServer:
        error: Exception | None = None

        def fail(self, error: Exception) -> None:
            self.error = error

        def recover(self) -> None:
            self.error = None

    server = MailServer()

    def send_mail(*args, **kwargs):
        if server.error is not None:
            raise server.error
        return mail.send_mail(*args, **kwargs)

    monkeypatch.setattr(notices, "send_mail", send_mail)
    return server


def tell(user, subject="Handoff offered", body="Will you take it?", path="/complaints/1/"):
    return notices.notify(user=user, subject=subject, body=body, path=path)


# --- Written with the change, sent after commit ----------------------------------------------


def test_a_notice_is_written_with_the_change_and_emailed_once_it_commits(
    staff, committed, mailoutbox
):
    with committed():
        notice = tell(staff)
        assert mailoutbox == []

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.sent_at) == (Notice.Status.SENT, 1, NOON)
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert message.subject == "[Tend] Handoff offered"
    assert message.body == "Will you take it?\n\nhttps://tend.example/complaints/1/"


def test_a_notice_of_a_change_rolled_back_is_neither_kept_nor_sent(staff, committed, mailoutbox):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        tell(staff)
        raise RuntimeError("the change failed")

    assert not Notice.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("person", ["no email", "inactive"])
def test_a_notice_to_someone_mail_cannot_reach_is_kept_unsent(
    person, committed, mailoutbox, broker
):
    user = UserFactory(email="") if person == "no email" else UserFactory(is_active=False)
    broker.down()  # nothing is enqueued for them: this would fail if it were

    with committed():
        notice = tell(user)

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SKIPPED
    assert mailoutbox == []


def test_a_notice_to_someone_who_left_since_is_skipped_when_its_turn_comes(staff, mailoutbox):
    notice = tell(staff)
    staff.is_active = False
    staff.save(update_fields=["is_active"])

    notices.send_notice(notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SKIPPED
    assert mailoutbox == []


# --- The broker down -----------------------------------------------------------------------------


def test_a_notice_written_while_the_broker_is_down_is_kept_and_sent_once_by_the_catch_up(
    staff, committed, mailoutbox, broker, clock
):
    # given: the broker is down when the change commits
    broker.down()
    with committed():
        notice = tell(staff)
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.QUEUED, 0)

    # when: the broker is back and the catch-up runs, then runs again
    broker.up()
    clock.set(NOON + notices.CATCH_UP_AFTER)
    first = tasks.send_due_notices.delay().get()
    second = notices.send_due_notices()
    # and the task, had it been delivered late after all, finds nothing left to do
    tasks.send_notice.delay(notice.pk)

    # then
    assert (first, second) == (1, 0)
    [message] = mailoutbox
    assert message.subject == "[Tend] Handoff offered"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT


def test_the_catch_up_leaves_a_fresh_notice_to_its_own_task(staff, broker, mailoutbox, clock):
    broker.down()
    tell(staff)

    clock.set(NOON + notices.CATCH_UP_AFTER - timedelta(seconds=1))
    assert notices.send_due_notices() == 0
    assert mailoutbox == []


def test_the_catch_up_sends_fifty_notices_in_a_bounded_number_of_queries(
    broker, clock, mailoutbox, django_assert_max_num_queries
):
    # given: fifty notices to five people, written while the broker was down
    broker.down()
    people = UserFactory.create_batch(5)
    for index in range(50):
        tell(people[index % 5], subject=f"Notice {index}")
    clock.set(NOON + notices.CATCH_UP_AFTER)

    # when/then: per batch of 25, a read of ids, the claim, a read of the claimed rows with
    # their recipients and one update of those sent; and one read that finds nothing more
    with django_assert_max_num_queries(2 * 4 + 1):
        sent = notices.send_due_notices()

    assert sent == 50
    assert len(mailoutbox) == 50
    assert not Notice.objects.exclude(status=Notice.Status.SENT).exists()


# --- Sent once -----------------------------------------------------------------------------------


def test_two_deliveries_of_the_same_task_send_one_email(staff, mailoutbox, monkeypatch):
    notice = tell(staff)
    second_delivery = []

    def send_mail(*args, **kwargs):
        # A second worker gets the same task while the first is still talking to the server.
        if not second_delivery:
            second_delivery.append(notices.send_notice(notice_id=notice.pk))
        return mail.send_mail(*args, **kwargs)

    monkeypatch.setattr(notices, "send_mail", send_mail)

    tasks.send_notice.delay(notice.pk)
    tasks.send_notice.delay(notice.pk)

    assert second_delivery == [None]
    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 1)


def test_a_notice_whose_sender_died_mid_send_is_sent_by_the_catch_up_after_the_lease(
    staff, mail_server, mailoutbox, clock
):
    # given: the worker is killed while sending
    notice = tell(staff)
    mail_server.fail(SystemExit())
    with pytest.raises(SystemExit):
        notices.send_notice(notice_id=notice.pk)
    mail_server.recover()

    # when: the catch-up runs before and after the claim's lease ran out
    clock.set(NOON + timedelta(minutes=5))
    before = notices.send_due_notices()
    clock.set(NOON + notices.LEASE + notices.CATCH_UP_AFTER)
    after = notices.send_due_notices()

    # then
    assert (before, after) == (0, 1)
    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 2)


# --- Safe subjects -------------------------------------------------------------------------------


def test_a_subject_with_line_breaks_and_control_characters_is_sent_on_one_line(
    staff, committed, mailoutbox
):
    with committed():
        notice = tell(staff, subject="High complaint from Ada\r\nBcc: all@example.com\x00\u2028!")

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    [message] = mailoutbox
    assert message.subject == "[Tend] High complaint from Ada Bcc: all@example.com !"
    assert message.bcc == []


def test_a_long_subject_is_cut_to_the_notice_length():
    line = notices.single_line("Overdue: " + "x" * 500, 200)

    assert len(line) == 200
    assert line.endswith("x…")


def test_a_body_with_nul_characters_is_kept_without_them(staff):
    notice = tell(staff, body="Customer said: \x00hello")

    notice.refresh_from_db()
    assert notice.body == "Customer said: hello"


# --- Failures are retried, recorded and surface --------------------------------------------------


def test_a_send_that_fails_is_recorded_and_retried_after_a_backoff(
    staff, mail_server, monkeypatch
):
    notice = tell(staff)
    mail_server.fail(ValueError("Header values may not contain linefeed"))
    retries = []
    monkeypatch.setattr(
        tasks.send_notice, "retry", lambda countdown: retries.append(countdown) or Retry()
    )

    tasks.send_notice.apply(args=(notice.pk,), throw=False)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.QUEUED, 1)
    assert notice.last_error == "ValueError: Header values may not contain linefeed"
    assert notice.next_attempt_at == NOON + timedelta(minutes=1)
    assert retries == [60]


def test_a_send_that_keeps_failing_is_marked_failed_after_the_last_attempt_and_logged(
    staff, mail_server, mailoutbox, clock, caplog
):
    # given
    notice = tell(staff)
    mail_server.fail(ConnectionRefusedError("mail server down"))

    # when: every attempt fails, each as soon as the backoff allows
    waits, now = [], NOON
    for _attempt in range(notices.MAX_ATTEMPTS):
        with caplog.at_level(logging.WARNING, logger="crm.notices"):
            notices.send_notice(notice_id=notice.pk)
        notice.refresh_from_db()
        waits.append(notice.next_attempt_at - now)
        now = clock.set(notice.next_attempt_at)

    # then: waits doubled, then it was given up and the error logged with the notice's id
    assert waits[:5] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16)]
    assert (notice.status, notice.attempts) == (Notice.Status.FAILED, notices.MAX_ATTEMPTS)
    assert "mail server down" in notice.last_error
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert f"Notice {notice.pk} " in error.getMessage()
    # and neither its task nor the catch-up tries it again
    mail_server.recover()
    assert notices.send_notice(notice_id=notice.pk) is None
    clock.set(NOON + timedelta(days=1))
    assert notices.send_due_notices() == 0
    assert mailoutbox == []


def test_a_catch_up_batch_that_only_fails_ends_the_run(broker, mail_server, clock, monkeypatch):
    # given: the mail server is down and three batches wait
    monkeypatch.setattr(notices, "BATCH_SIZE", 2)
    broker.down()
    for _index in range(6):
        tell(UserFactory())
    mail_server.fail(ConnectionRefusedError("mail server down"))
    clock.set(NOON + notices.CATCH_UP_AFTER)

    # when/then: one batch is tried, not all of them one timeout after another
    assert notices.send_due_notices() == 0
    assert Notice.objects.filter(attempts=1).count() == 2


def failed_notice(user, **fields) -> Notice:
    defaults = {"status": Notice.Status.FAILED, "attempts": 6, "last_error": "SMTPException"}
    return Notice.objects.create(
        recipient=user, subject="Escalated: Call Ada", **defaults | fields
    )


def test_owners_see_the_count_of_failed_notices_on_my_day_linking_to_the_failed_list(
    client, owner, staff, django_assert_max_num_queries
):
    # given: two failures this week, one older, one notice sent
    failed_notice(staff)
    failed_notice(staff)
    failed_notice(staff, created_at=NOON - notices.FAILED_SHOWN_FOR - timedelta(minutes=1))
    Notice.objects.create(recipient=staff, subject="Fine", status=Notice.Status.SENT)
    client.force_login(owner)

    # when
    # My day's fourteen on an empty day (unread notices among them), the owner's permissions
    # (2), the count, and the business hours and holidays (2, owners see them untuned); the
    # team's breaches and overdue follow-ups (2, empty); whether they are an owner, and the
    # headline tiles' figures on a cold cache (6, crm/headlines.py)
    with django_assert_max_num_queries(14 + 2 + 1 + 2 + 2 + 1 + 6):
        response = client.get("/")

    # then
    assert response.context["failed_notices"] == 2
    assert b'href="/admin/crm/notice/?status__exact=failed"' in response.content
    assert b"2 notices could not be emailed" in response.content


def test_staff_see_no_failed_notices_on_my_day(client, staff):
    failed_notice(staff)
    client.force_login(staff)

    response = client.get("/")

    assert response.context["failed_notices"] == 0
    assert b"could not be emailed" not in response.content


def test_owners_list_failed_notices_in_the_admin_and_cannot_edit_them(client, owner, staff):
    notice = failed_notice(staff)
    Notice.objects.create(recipient=staff, subject="Went out fine", status=Notice.Status.SENT)
    client.force_login(owner)

    listed = client.get("/admin/crm/notice/", {"status__exact": "failed"})
    shown = client.get(f"/admin/crm/notice/{notice.pk}/change/")
    added = client.get("/admin/crm/notice/add/")

    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [notice]
    assert shown.status_code == 200
    assert b"SMTPException" in shown.content
    assert b'name="_save"' not in shown.content
    assert added.status_code == 403


def test_owners_send_failed_notices_again_from_the_admin(
    client, owner, staff, committed, mailoutbox
):
    notice = failed_notice(staff)
    client.force_login(owner)

    with committed():
        response = client.post(
            "/admin/crm/notice/",
            {"action": "resend", "_selected_action": [notice.pk]},
            follow=True,
        )

    assert b"1 notice queued to be sent again" in response.content
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 1)
    assert [message.subject for message in mailoutbox] == ["[Tend] Escalated: Call Ada"]
