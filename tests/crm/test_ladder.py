"""The deadline ladder's sweep as a whole: one notice per person, counts, links, the outbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import ladder
from crm.models import Notice
from customers.ladders import FOLLOW_UPS_OVERDUE
from customers.models import FollowUp
from customers.tasks import run_deadline_sweep
from tests.crm.ladder_clocks import (
    ESCALATE_AT,
    FIRST_RESPONSE,
    FOLLOW_UP,
    PAST_DUE,
    REMIND_AT,
)
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_settings(settings, weekdays_nine_to_five):
    settings.TIME_ZONE = "Europe/London"
    settings.FOLLOW_UP_ESCALATION_MINUTES = 60
    settings.COMPLAINT_ESCALATION_MINUTES = 60
    settings.SITE_URL = "https://tend.example.com"


def test_one_person_hears_of_every_new_breach_in_one_notice(staff, supervisor):
    # given two overdue follow-ups and a complaint past its first response, all Sam's
    FOLLOW_UP.make_due(staff)
    FOLLOW_UP.make_due(staff)
    FIRST_RESPONSE.make_due(staff)

    # when
    report = ladder.sweep(now=REMIND_AT)

    # then
    assert report.per_ladder["followup_overdue"] == (2, 0)
    assert report.per_ladder["complaint_first_response"] == (1, 0)
    assert report.notices == 1
    notice = Notice.objects.get(recipient=staff)
    assert notice.subject == "2 overdue follow-ups, 1 complaint past first response"
    assert "Overdue follow-ups: 2 new" in notice.body
    assert "Complaints past first response: 1 new" in notice.body
    assert "See all: https://tend.example.com/followups/?due=overdue" in notice.body
    assert "See all: https://tend.example.com/complaints/?breaching=true" in notice.body
    # Two lists: the notice itself links to My day.
    assert notice.path == "/"


def test_a_person_with_10000_new_breaches_gets_one_notice(staff):
    # given
    customer = CustomerFactory(name="Acme")
    FollowUp.objects.bulk_create(
        FollowUp(customer=customer, owner=staff, subject=f"Call back {n}", due_at=PAST_DUE)
        for n in range(10_000)
    )

    # when
    report = ladder.sweep(now=REMIND_AT, ladders=[FOLLOW_UPS_OVERDUE])

    # then
    assert report.per_ladder["followup_overdue"] == (10_000, 0)
    notice = Notice.objects.get()
    assert notice.recipient == staff
    assert notice.subject == "10,000 overdue follow-ups"
    assert "Overdue follow-ups: 10,000 new" in notice.body
    lines = [line for line in notice.body.splitlines() if line.startswith("- ")]
    assert len(lines) == ladder.LINES_PER_SECTION
    assert lines[0].startswith("- Acme: Call back 0, due Fri 06 Mar 10:00")
    assert "… and 9,990 more." in notice.body
    assert notice.path == "/followups/?due=overdue"


def test_claims_in_several_batches_take_every_item_once(staff, monkeypatch):
    # given batches of two, and seven overdue follow-ups with one not yet due among them
    monkeypatch.setattr(ladder, "CLAIM_BATCH_SIZE", 2)
    customer = CustomerFactory()
    due = [
        FollowUp(customer=customer, owner=staff, subject=f"Call {n}", due_at=PAST_DUE)
        for n in range(7)
    ]
    due[3].due_at = REMIND_AT + timedelta(days=1)
    FollowUp.objects.bulk_create(due)

    # when
    first = ladder.sweep(now=REMIND_AT, ladders=[FOLLOW_UPS_OVERDUE])
    second = ladder.sweep(now=REMIND_AT, ladders=[FOLLOW_UPS_OVERDUE])

    # then every due item was claimed once, across four batches, and told in one notice
    assert first.per_ladder["followup_overdue"] == (6, 0)
    assert second.per_ladder["followup_overdue"] == (0, 0)
    assert FollowUp.objects.filter(overdue_notified_at=REMIND_AT).count() == 6
    assert Notice.objects.get().body.count("\n- ") == 6


def test_an_escalation_names_whose_work_it_is_and_skips_the_owner(staff, supervisor, owner):
    FOLLOW_UP.make_due(staff)
    # The owner of this one supervises: the escalation of it goes to the others only.
    FOLLOW_UP.make_due(supervisor)
    ladder.sweep(now=REMIND_AT)

    report = ladder.sweep(now=ESCALATE_AT)

    assert report.per_ladder["followup_overdue"] == (0, 2)
    to_supervisor = Notice.objects.get(recipient=supervisor, subject__contains="escalated")
    assert to_supervisor.subject == "1 overdue follow-up escalated"
    assert "Escalated to you, overdue follow-ups: 1 still waiting" in to_supervisor.body
    assert "- Sam " in to_supervisor.body
    to_owner = Notice.objects.get(recipient=owner)
    assert to_owner.subject == "2 overdue follow-ups escalated"


def test_someone_without_email_or_no_longer_active_keeps_an_unsent_notice(db):
    quiet = UserFactory(email="")
    gone = UserFactory(is_active=False)
    FOLLOW_UP.make_due(quiet)
    FOLLOW_UP.make_due(gone)

    ladder.sweep(now=REMIND_AT)

    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SKIPPED}
    assert Notice.objects.count() == 2


def test_the_notice_is_emailed_through_the_outbox_after_commit(
    staff, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FOLLOW_UP.make_due(staff)

    with django_capture_on_commit_callbacks(execute=True):
        ladder.sweep(now=REMIND_AT)

    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert mailoutbox[0].subject == "[Tend] 1 overdue follow-up"
    assert "https://tend.example.com/followups/?due=overdue" in mailoutbox[0].body
    assert Notice.objects.get().status == Notice.Status.SENT


def test_a_failing_ladder_leaves_the_others_to_run(staff, caplog):
    FOLLOW_UP.make_due(staff)

    def broken(now):
        raise RuntimeError("boom")

    failing = ladder.Ladder(**{**FOLLOW_UPS_OVERDUE.__dict__, "name": "broken", "due": broken})

    report = ladder.sweep(now=REMIND_AT, ladders=[failing, FOLLOW_UPS_OVERDUE])

    assert report.per_ladder == {"followup_overdue": (1, 0)}
    assert "Deadline ladder broken failed" in caplog.text
    assert Notice.objects.count() == 1


def test_register_replaces_a_ladder_of_the_same_name():
    before = ladder.registered()
    again = ladder.Ladder(**{**FOLLOW_UPS_OVERDUE.__dict__})
    try:
        ladder.register(again)
        assert [known.name for known in ladder.registered()] == [known.name for known in before]
        assert again in ladder.registered()
    finally:
        ladder.register(FOLLOW_UPS_OVERDUE)


def test_the_deadline_task_sweeps_every_ladder(staff, clock):
    FOLLOW_UP.make_due(staff)
    clock.set(REMIND_AT + timedelta(minutes=1))

    result = run_deadline_sweep()

    assert result["per_ladder"]["followup_overdue"] == (1, 0)
    assert set(result["per_ladder"]) == {known.name for known in ladder.registered()}
    assert result["notices"] == 1
    assert Notice.objects.get().created_at <= timezone.now()
