"""Working a follow-up: one tap records its outcome; closing one may be undone for a minute."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from customers import services
from customers.models import FollowUp, Interaction, QuickOutcome
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


def test_a_call_back_offers_reached_left_a_message_and_no_answer():
    callback = FollowUpFactory.build(kind=FollowUp.Kind.CALLBACK)
    assert [value for value, _label in callback.quick_outcomes] == [
        "reached",
        "left_message",
        "no_answer",
    ]


def test_a_promise_by_email_offers_done_only():
    promise = FollowUpFactory.build(kind=FollowUp.Kind.PROMISE, channel="email")
    assert [value for value, _label in promise.quick_outcomes] == ["done"]


def test_reaching_the_customer_keeps_the_commitment_and_logs_the_call(staff):
    callback = FollowUpFactory(owner=staff, subject="Call back: cake order", channel="")

    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)

    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.DONE
    assert callback.completed_by == staff
    assert callback.outcome == "Reached, done"
    call = Interaction.objects.get(customer=callback.customer)
    assert (call.channel, call.direction, call.summary) == ("phone", "outbound", callback.subject)
    assert call.staff == staff


def test_done_keeps_a_promise_without_logging_a_contact(staff):
    promise = FollowUpFactory(owner=staff, kind=FollowUp.Kind.PROMISE)

    services.record_outcome(actor=staff, follow_up=promise, outcome=QuickOutcome.DONE)

    promise.refresh_from_db()
    assert promise.status == FollowUp.Status.DONE
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("outcome", [QuickOutcome.NO_ANSWER, QuickOutcome.LEFT_MESSAGE])
def test_an_attempt_is_logged_and_the_commitment_stays_open(staff, outcome):
    callback = FollowUpFactory(owner=staff, subject="Call back: refund")

    services.record_outcome(actor=staff, follow_up=callback, outcome=outcome)

    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN
    attempt = Interaction.objects.get(customer=callback.customer)
    assert attempt.summary == f"{outcome.label}: Call back: refund"
    assert attempt.direction == "outbound"
    assert not attempt.is_positive


def test_someone_elses_follow_up_cannot_be_worked(staff, other_staff):
    callback = FollowUpFactory(owner=other_staff)
    with pytest.raises(PermissionDenied):
        services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.NO_ANSWER)
    assert not Interaction.objects.exists()


def test_the_closer_may_undo_within_a_minute_and_the_logged_call_goes_too(staff):
    callback = FollowUpFactory(owner=staff)
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)

    services.reopen_follow_up(actor=staff, follow_up=callback)

    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN
    assert (callback.completed_at, callback.completed_by, callback.outcome) == (None, None, "")
    assert not Interaction.objects.exists()


def test_undo_leaves_other_calls_to_the_customer_alone(staff):
    callback = FollowUpFactory(owner=staff)
    services.log_interaction(actor=staff, customer=callback.customer, summary="Earlier call")
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)

    services.reopen_follow_up(actor=staff, follow_up=callback)

    assert list(Interaction.objects.values_list("summary", flat=True)) == ["Earlier call"]


def test_undo_is_refused_after_the_window(staff, time_machine):
    callback = FollowUpFactory(owner=staff)
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)
    time_machine.shift(services.UNDO_WINDOW + timedelta(seconds=1))

    with pytest.raises(services.FollowUpError, match="Too late"):
        services.reopen_follow_up(actor=staff, follow_up=callback)
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.DONE


def test_only_the_person_who_closed_it_may_undo(staff, supervisor):
    callback = FollowUpFactory(owner=staff)
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)

    # A supervisor may manage anyone's follow-ups, but did not close this one.
    with pytest.raises(PermissionDenied):
        services.reopen_follow_up(actor=supervisor, follow_up=callback)


def test_an_open_follow_up_has_nothing_to_undo(staff):
    callback = FollowUpFactory(owner=staff, completed_by=staff, completed_at=timezone.now())
    with pytest.raises(services.FollowUpError, match="not done"):
        services.reopen_follow_up(actor=staff, follow_up=callback)


# --- The pages ---------------------------------------------------------------------------------


def test_a_row_never_closes_with_one_tap(staff_client, staff):
    callback = FollowUpFactory(owner=staff, due_at=timezone.now() - timedelta(hours=1))

    html = staff_client.get("/").content.decode()

    # The outcomes sit behind a "Mark done…" disclosure, and none is a hidden "Done" any more.
    assert '<summary class="btn btn-sm btn-outline-success tend-touch">Mark done…' in html
    assert f'action="/followups/{callback.pk}/outcome/"' in html
    assert 'name="outcome" value="reached"' in html
    assert f'action="/followups/{callback.pk}/complete/"' not in html


def test_closing_from_a_row_offers_undo_which_reopens_it(staff_client, staff):
    callback = FollowUpFactory(owner=staff, subject="Ring Mrs Lee")

    response = staff_client.post(
        f"/followups/{callback.pk}/outcome/", {"outcome": "reached", "next": "/"}, follow=True
    )

    html = response.content.decode()
    assert "Done: Ring Mrs Lee" in html
    assert f'action="/followups/{callback.pk}/reopen/"' in html
    staff_client.post(f"/followups/{callback.pk}/reopen/", {"next": "/"})
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN


def test_completing_with_words_offers_undo_too(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff)

    response = staff_client.post(
        f"/followups/{follow_up.pk}/complete/", {"outcome": "Sorted it out"}, follow=True
    )

    assert f'action="/followups/{follow_up.pk}/reopen/"'.encode() in response.content


def test_an_attempt_says_the_follow_up_stays_open(staff_client, staff):
    callback = FollowUpFactory(owner=staff, subject="Ring Mrs Lee")

    response = staff_client.post(
        f"/followups/{callback.pk}/outcome/", {"outcome": "no_answer"}, follow=True
    )

    assert "Logged: No answer. “Ring Mrs Lee” stays open" in response.content.decode()
    assert b"/reopen/" not in response.content


@pytest.mark.parametrize("outcome", ["", "closed", "x" * 500])
def test_a_forged_outcome_is_refused_with_a_message(staff_client, staff, outcome):
    callback = FollowUpFactory(owner=staff)

    response = staff_client.post(
        f"/followups/{callback.pk}/outcome/", {"outcome": outcome}, follow=True
    )

    assert response.status_code == 200
    assert b"Choose one of the outcomes." in response.content
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.OPEN


def test_undo_by_someone_else_is_refused(client, staff, other_staff):
    callback = FollowUpFactory(owner=staff)
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)
    client.force_login(other_staff)

    assert client.post(f"/followups/{callback.pk}/reopen/").status_code == 403
    callback.refresh_from_db()
    assert callback.status == FollowUp.Status.DONE


def test_undo_too_late_says_so(staff_client, staff, time_machine):
    callback = FollowUpFactory(owner=staff)
    services.record_outcome(actor=staff, follow_up=callback, outcome=QuickOutcome.REACHED)
    time_machine.shift(timedelta(minutes=5))

    response = staff_client.post(f"/followups/{callback.pk}/reopen/", follow=True)

    assert b"Too late to undo" in response.content


def test_the_undo_button_only_posts_to_this_site():
    from crm.undo import UNDO_TAG, undo_url

    class Message:
        def __init__(self, tags):
            self.extra_tags = tags

    assert undo_url(Message(f"{UNDO_TAG}/followups/1/reopen/")) == "/followups/1/reopen/"
    assert undo_url(Message(f"{UNDO_TAG}//evil.example/")) == ""
    assert undo_url(Message(f"{UNDO_TAG}https://evil.example/")) == ""
    assert undo_url(Message("")) == ""


def test_undo_is_refused_when_a_newer_keep_in_touch_is_open(staff):
    keep_in_touch = FollowUpFactory(owner=staff, kind=FollowUp.Kind.KEEP_IN_TOUCH)
    services.record_outcome(actor=staff, follow_up=keep_in_touch, outcome=QuickOutcome.REACHED)
    FollowUpFactory(owner=staff, customer=keep_in_touch.customer, kind=FollowUp.Kind.KEEP_IN_TOUCH)

    with pytest.raises(services.FollowUpError, match="newer open follow-up"):
        services.reopen_follow_up(actor=staff, follow_up=keep_in_touch)
    keep_in_touch.refresh_from_db()
    assert keep_in_touch.status == FollowUp.Status.DONE
    # Nothing of the undo is kept: the call it would have taken back is still logged.
    assert Interaction.objects.filter(customer=keep_in_touch.customer).count() == 1
