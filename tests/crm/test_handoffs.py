"""The one handoff flow (crm/handoffs.py), run against every kind of handoff: complaints and
onboardings. What only one kind does (a complaint's check-in, an onboarding's steps and teams)
is tested in its app."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintHandoff, RootCause
from crm import handoffs
from crm.handoffs import LADDER_FIELDS, HandoffBase
from crm.models import Notice
from onboarding import services as onboarding_services
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, TemplateStep
from tests.complaints.test_flow import resolved
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOTE = "Promised a call on Friday; they expect the replacement by Tuesday."


@dataclass(frozen=True)
class Kind:
    """How a test reaches one kind of handoff through its app's public services."""

    model: type[HandoffBase]
    error: type[Exception]
    # (sender, receiver) -> a subject owned by sender that receiver may take over
    make: Callable
    # (actor, subject, to_user, note) -> the handoff
    offer: Callable
    # (subject, actor) -> the subject finished (closed, cancelled)
    finish: Callable
    accept: Callable
    decline: Callable

    def reload(self, subject):
        return type(subject).objects.get(pk=subject.pk)


def _resolved_complaint(sender, receiver) -> Complaint:
    # Resolved: still open to a handoff (its check-in needs an owner), and closable.
    return resolved(sender)


def _offer_complaint(actor, subject, to_user, note):
    return complaint_services.offer_handoff(
        actor=actor, complaint=subject, to_user=to_user, note=note
    )


def _close_complaint(subject, actor):
    complaint_services.close(
        actor=actor,
        complaint=subject,
        root_cause=RootCause.objects.first(),
        corrective_note="Repacked.",
    )


def _onboarding(sender, receiver) -> Onboarding:
    sales = Group.objects.get_or_create(name="Sales")[0]
    support = Group.objects.get_or_create(name="Support")[0]
    sender.groups.add(sales)
    receiver.groups.add(support)
    template = ChecklistTemplate.objects.create(name="Welcome")
    for position, (title, group, handoff_point) in enumerate(
        [("Welcome call", sales, False), ("Hand over", sales, True), ("Kick off", support, False)],
        start=1,
    ):
        TemplateStep.objects.create(
            template=template,
            position=position,
            title=title,
            group=group,
            is_handoff_point=handoff_point,
        )
    return onboarding_services.start_onboarding(
        actor=sender,
        customer=CustomerFactory(status="prospect"),
        template=template,
        owner=sender,
    )


def _offer_onboarding(actor, subject, to_user, note):
    return onboarding_services.offer_handoff(
        actor=actor, step=subject.steps.get(is_handoff_point=True), to_user=to_user, note=note
    )


def _cancel_onboarding(subject, actor):
    onboarding_services.cancel_onboarding(actor=actor, onboarding=subject, reason="They left.")


KINDS = {
    "complaint": Kind(
        model=ComplaintHandoff,
        error=complaint_services.ComplaintError,
        make=_resolved_complaint,
        offer=_offer_complaint,
        finish=_close_complaint,
        accept=complaint_services.accept_handoff,
        decline=complaint_services.decline_handoff,
    ),
    "onboarding": Kind(
        model=Handoff,
        error=onboarding_services.OnboardingError,
        make=_onboarding,
        offer=_offer_onboarding,
        finish=_cancel_onboarding,
        accept=onboarding_services.accept_handoff,
        decline=onboarding_services.decline_handoff,
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def subject(kind, staff, other_staff):
    """Work owned by staff that other_staff may take over."""
    return kind.make(staff, other_staff)


@pytest.fixture
def offered(kind, subject, staff, other_staff):
    return kind.offer(staff, subject, other_staff, NOTE)


# --- Offering -----------------------------------------------------------------------------------


def test_an_offer_keeps_the_sender_owner_and_asks_the_receiver(kind, subject, staff, other_staff):
    handoff = kind.offer(staff, subject, other_staff, NOTE)

    assert handoff.is_pending
    assert (handoff.from_user, handoff.to_user, handoff.note) == (staff, other_staff, NOTE)
    assert kind.reload(subject).owner == staff
    assert list(kind.model.objects.offered_to(other_staff)) == [handoff]
    assert list(kind.model.objects.offered_to(staff)) == []
    notice = Notice.objects.get(recipient=other_staff)
    assert (notice.body, notice.path) == (NOTE, subject.get_absolute_url())


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_offer_needs_a_note(kind, subject, staff, other_staff, note):
    with pytest.raises(kind.error, match="what was promised"):
        kind.offer(staff, subject, other_staff, note)

    assert not kind.model.objects.exists()


def test_an_offer_to_the_owner_is_refused(kind, subject, staff):
    with pytest.raises(kind.error, match="owns it already"):
        kind.offer(staff, subject, staff, NOTE)


def test_a_second_pending_offer_is_refused(kind, subject, offered, staff, other_staff):
    with pytest.raises(kind.error, match="already waiting"):
        kind.offer(staff, subject, other_staff, NOTE)

    assert list(kind.model.objects.pending()) == [offered]


def test_someone_who_does_not_steer_the_work_may_not_offer_it(
    kind, subject, other_staff, supervisor
):
    with pytest.raises(PermissionDenied):
        kind.offer(other_staff, subject, supervisor, NOTE)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offer_is_all_or_nothing(kind, staff, other_staff, monkeypatch):
    # given work to offer, and telling the receiver fails after the offer row is written
    subject = kind.make(staff, other_staff)

    def failing_notify(**_fields):
        raise RuntimeError("the outbox is unwritable")

    monkeypatch.setattr(handoffs, "notify", failing_notify)

    # when
    with pytest.raises(RuntimeError):
        kind.offer(staff, subject, other_staff, NOTE)

    # then the offer is rolled back with it, outside any test transaction
    assert not kind.model.objects.exists()


# --- Answering ----------------------------------------------------------------------------------


def test_accepting_makes_the_receiver_owner(kind, subject, offered, other_staff):
    kind.accept(actor=other_staff, handoff=offered)

    offered.refresh_from_db()
    assert offered.accepted_at is not None
    assert not offered.is_pending
    assert kind.reload(subject).owner == other_staff
    assert not kind.model.objects.pending().exists()


def test_declining_keeps_the_sender_owner_records_the_reason_and_tells_the_sender(
    kind, subject, offered, staff, other_staff
):
    kind.decline(actor=other_staff, handoff=offered, reason="Off all next week.")

    offered.refresh_from_db()
    assert (offered.is_declined, offered.decline_reason) == (True, "Off all next week.")
    assert kind.reload(subject).owner == staff
    told = Notice.objects.get(recipient=staff)
    assert told.body == "Off all next week."
    # The sender finds someone else.
    assert kind.offer(staff, kind.reload(subject), other_staff, NOTE).is_pending


@pytest.mark.parametrize("reason", ["", "  "])
def test_declining_needs_a_reason(kind, offered, other_staff, reason):
    with pytest.raises(kind.error, match="Say why you decline"):
        kind.decline(actor=other_staff, handoff=offered, reason=reason)

    offered.refresh_from_db()
    assert offered.is_pending


@pytest.mark.parametrize("who", ["staff", "supervisor"])
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_only_the_receiver_answers(request, kind, subject, offered, staff, who, answer):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied, match="addressed to someone else"):
        if answer == "accept":
            kind.accept(actor=actor, handoff=offered)
        else:
            kind.decline(actor=actor, handoff=offered, reason="Not mine to take.")

    offered.refresh_from_db()
    assert offered.is_pending
    assert kind.reload(subject).owner == staff


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("second", ["accept", "decline"])
def test_a_handoff_is_answered_once(kind, offered, other_staff, first, second):
    def answer(how):
        if how == "accept":
            kind.accept(actor=other_staff, handoff=offered)
        else:
            kind.decline(actor=other_staff, handoff=offered, reason="Too busy.")

    answer(first)
    with pytest.raises(kind.error, match="answered already"):
        answer(second)

    offered.refresh_from_db()
    assert (offered.accepted_at is None) == (first == "decline")
    assert (offered.declined_at is None) == (first == "accept")


# --- Finished work ------------------------------------------------------------------------------


def test_finished_work_refuses_an_offer(kind, subject, staff, other_staff):
    kind.finish(subject, staff)

    with pytest.raises(kind.error):
        kind.offer(staff, kind.reload(subject), other_staff, NOTE)

    assert not kind.model.objects.exists()


def test_finishing_withdraws_the_offer_and_it_can_no_longer_be_accepted(
    kind, subject, offered, staff, other_staff
):
    kind.finish(kind.reload(subject), staff)

    offered.refresh_from_db()
    assert offered.is_declined and offered.decline_reason
    with pytest.raises(kind.error):
        kind.accept(actor=other_staff, handoff=offered)
    assert kind.reload(subject).owner == staff
    assert list(kind.model.objects.offered_to(other_staff)) == []


def test_an_offer_left_pending_on_finished_work_cannot_be_accepted(
    kind, subject, offered, staff, other_staff
):
    # given: finished work whose offer predates the withdrawal (set back to pending)
    kind.finish(kind.reload(subject), staff)
    kind.model.objects.filter(pk=offered.pk).update(declined_at=None, decline_reason="")

    with pytest.raises(kind.error):
        kind.accept(actor=other_staff, handoff=offered)

    offered.refresh_from_db()
    assert offered.is_pending
    assert kind.reload(subject).owner == staff


def test_pending_and_offered_to_keep_only_offers_waiting_for_an_answer(
    kind, subject, offered, staff, other_staff
):
    kind.decline(actor=other_staff, handoff=offered, reason="Off all next week.")
    waiting = kind.offer(staff, kind.reload(subject), other_staff, NOTE)

    assert list(kind.model.objects.pending()) == [waiting]
    assert list(kind.model.objects.offered_to(other_staff)) == [waiting]
    assert list(kind.model.objects.offered_to(staff)) == []
    offered.refresh_from_db()
    assert not offered.is_pending
    assert waiting.is_pending


# --- The model ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [ComplaintHandoff, Handoff])
def test_the_ladder_marks_are_not_editable_nor_kept_in_history(model):
    history_fields = {field.name for field in model.history.model._meta.fields}
    for name in LADDER_FIELDS:
        assert not model._meta.get_field(name).editable
        assert name not in history_fields


@pytest.mark.parametrize(
    ("model", "related_name"),
    [(ComplaintHandoff, "complaint_handoffs"), (Handoff, "onboarding_handoffs")],
)
def test_each_kind_keeps_its_own_reverse_name_from_the_receiver(model, related_name):
    assert model._meta.get_field("to_user").remote_field.related_name == related_name


# --- Pages --------------------------------------------------------------------------------------


def test_the_receiver_answers_on_the_page_of_the_work(
    kind, subject, offered, client, other_staff, django_assert_max_num_queries
):
    client.force_login(other_staff)

    with django_assert_max_num_queries(20):
        response = client.get(subject.get_absolute_url())

    assert response.context["handoff"] == offered
    assert offered.accept_url.encode() in response.content
    assert offered.decline_url.encode() in response.content


def test_the_sender_sees_the_offer_waiting_without_answer_forms(
    kind, subject, offered, staff_client
):
    response = staff_client.get(subject.get_absolute_url())

    assert response.context["handoff"] == offered
    assert b"stays accountable until it is accepted" in response.content
    assert offered.accept_url.encode() not in response.content


def test_the_page_shows_why_the_last_offer_was_declined(
    kind, subject, offered, staff_client, other_staff, django_assert_max_num_queries
):
    kind.decline(actor=other_staff, handoff=offered, reason="Off all next week.")

    with django_assert_max_num_queries(20):
        response = staff_client.get(subject.get_absolute_url())

    assert b"Off all next week." in response.content
    assert offered.accept_url.encode() not in response.content


def test_an_accepted_offer_leaves_the_page(kind, subject, offered, staff_client, other_staff):
    kind.accept(actor=other_staff, handoff=offered)

    response = staff_client.get(subject.get_absolute_url())

    assert response.context["handoff"] is None


def test_answering_through_the_page_moves_the_work(kind, subject, offered, client, other_staff):
    client.force_login(other_staff)

    response = client.post(offered.accept_url)

    assert response.status_code == 302
    assert response.url == subject.get_absolute_url()
    assert kind.reload(subject).owner == other_staff


def test_someone_else_posting_an_answer_is_forbidden(kind, offered, staff_client):
    response = staff_client.post(offered.decline_url, {"reason": ""})

    assert response.status_code == 403
    offered.refresh_from_db()
    assert offered.is_pending
