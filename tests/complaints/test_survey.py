"""The check-in survey a customer answers from a signed link, without signing in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services, survey
from complaints.customer_links import (
    SURVEY_LINK_DAYS,
    SURVEY_PATH,
    read_survey_token,
    survey_token,
)
from complaints.models import Complaint, ComplaintUpdate, RootCause
from crm.models import Notice
from customers.messaging.models import MessagingSettings
from customers.models import FollowUp
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status


@pytest.fixture
def resolved(staff):
    """A complaint its owner resolved through the service, so with its check-in scheduled."""
    complaint = ComplaintFactory(
        owner=staff,
        logged_by=staff,
        status=STATUS.INVESTIGATING,
        acknowledged_at=timezone.now(),
        customer_words="The oven door came off its hinges on the second day.",
        corrective_note="Internal: supplier batch 42 is faulty.",
        asked_amount=None,
    )
    return services.resolve(actor=staff, complaint=complaint, no_remedy=True)


def survey_path(complaint) -> str:
    return reverse("survey:answer", args=[survey_token(complaint.pk, complaint.resolved_at)])


def check_in_of(complaint) -> FollowUp:
    return FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION, source_id=complaint.pk)


def test_the_survey_answers_at_the_path_the_links_carry():
    token = survey_token(12, timezone.now())

    assert reverse("survey:answer", args=[token]) == SURVEY_PATH.format(token=token)


def test_the_page_asks_its_questions_without_signing_in_and_shows_nothing_internal(
    client, resolved
):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"sender_name": "Harbour Bakery"})
    other = ComplaintFactory(customer=resolved.customer, customer_words="Another complaint.")

    response = client.get(survey_path(resolved))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Are you satisfied with how this turned out?" in page
    assert "How did we handle it?" in page
    assert resolved.reference in page and "Harbour Bakery" in page
    for secret in (
        resolved.customer_words,
        resolved.corrective_note,
        resolved.customer.name,
        resolved.owner.first_name,
        other.reference,
    ):
        assert secret not in page
    assert "<script" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_not_satisfied_reopens_the_complaint_and_tells_the_owner_at_once(client, resolved):
    response = client.post(
        survey_path(resolved), {"satisfied": "no", "rating": "2", "comment": "Still wobbly."}
    )

    assert response.status_code == 200
    assert "reopened" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == STATUS.INVESTIGATING
    assert resolved.outcome_satisfied is False
    assert resolved.handling_rating == 2
    assert resolved.checked_in_at is not None
    answer = resolved.updates.get(kind=ComplaintUpdate.Kind.FROM_CUSTOMER)
    assert answer.author is None
    assert "not satisfied" in answer.text and "Still wobbly." in answer.text
    reopening = resolved.updates.get(kind=ComplaintUpdate.Kind.STATUS, to_status="investigating")
    assert "Still wobbly." in reopening.text
    check_in = check_in_of(resolved)
    assert check_in.status == FollowUp.Status.DONE and "Still wobbly." in check_in.outcome
    notice = Notice.objects.get(recipient=resolved.owner)
    assert "reopened" in notice.subject and notice.path == resolved.get_absolute_url()


def test_satisfied_answers_the_check_in_and_asks_the_owner_to_close_it(client, resolved):
    client.post(survey_path(resolved), {"satisfied": "yes", "rating": "5", "comment": ""})

    resolved.refresh_from_db()
    # Closing needs a root cause, which only staff can name: it stays resolved until then.
    assert resolved.status == STATUS.RESOLVED
    assert resolved.outcome_satisfied is True and resolved.handling_rating == 5
    assert check_in_of(resolved).status == FollowUp.Status.DONE
    notice = Notice.objects.get(recipient=resolved.owner)
    assert "close it" in notice.subject and "root cause" in notice.body
    # The owner can close it now, the check-in already answered.
    services.close(
        actor=resolved.owner,
        complaint=resolved,
        root_cause=RootCause.objects.first(),
        corrective_note="Hinges replaced on the batch.",
    )
    assert Complaint.objects.get(pk=resolved.pk).status == STATUS.CLOSED


def test_the_link_works_once(client, resolved):
    path = survey_path(resolved)
    client.post(path, {"satisfied": "yes", "rating": "4"})

    again = client.post(path, {"satisfied": "no", "rating": "1"})

    assert again.status_code == 200
    assert "already answered" in again.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == STATUS.RESOLVED and resolved.handling_rating == 4
    assert resolved.updates.filter(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).count() == 1


def test_a_link_of_an_earlier_resolution_cannot_answer_a_later_one(client, resolved, staff):
    old_path = survey_path(resolved)
    services.reopen(actor=staff, complaint=resolved, reason="Customer called back.")
    resolved = services.resolve(actor=staff, complaint=resolved, no_remedy=True)

    response = client.post(old_path, {"satisfied": "no", "rating": "1"})

    assert "already answered" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == STATUS.RESOLVED and resolved.checked_in_at is None
    # The new resolution's own link still asks.
    assert client.get(survey_path(resolved)).context["form"] is not None


def test_a_check_in_staff_recorded_closes_the_survey(client, resolved, staff):
    services.record_check_in(actor=staff, complaint=resolved, satisfied=False, rating=3)
    resolved = services.resolve(actor=staff, complaint=resolved, no_remedy=True)
    services.record_check_in(
        actor=staff,
        complaint=resolved,
        satisfied=True,
        rating=4,
        root_cause=RootCause.objects.first(),
        corrective_note="Fixed.",
    )

    response = client.get(survey_path(resolved))

    assert "already answered" in response.content.decode()


def test_an_expired_link_says_so_politely(client, resolved, time_machine):
    path = survey_path(resolved)
    time_machine.move_to(timezone.now() + timedelta(days=SURVEY_LINK_DAYS, minutes=1))

    response = client.get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"), lambda t: "x" + t],
    ids=["signature", "payload"],
)
def test_a_tampered_link_is_not_valid(client, resolved, mangle):
    token = survey_token(resolved.pk, resolved.resolved_at)

    response = client.post(f"/survey/{mangle(token)}/", {"satisfied": "no", "rating": "1"})

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == STATUS.RESOLVED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": "3", "comment": "Kept"}, "satisfied", "Choose yes or no."),
        ({"satisfied": "no", "rating": "9", "comment": "Kept"}, "rating", "from 1 to 5"),
        ({"satisfied": "maybe", "rating": "3", "comment": "Kept"}, "satisfied", "yes or no"),
    ],
)
def test_bad_answers_are_explained_beside_the_field_and_keep_the_comment(
    client, resolved, data, field, message
):
    response = client.post(survey_path(resolved), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Kept</textarea>" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == STATUS.RESOLVED and resolved.checked_in_at is None


def test_the_form_needs_its_csrf_token(resolved):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        survey_path(resolved), {"satisfied": "no", "rating": "1"}
    )

    assert response.status_code == 403
    resolved.refresh_from_db()
    assert resolved.status == STATUS.RESOLVED


def test_too_many_requests_from_one_address_get_a_polite_wait(client, resolved, settings):
    settings.SURVEY_RATE_LIMIT = 3
    path = survey_path(resolved)
    for _ in range(3):
        assert client.get(path).status_code == 200

    response = client.get(path)

    assert response.status_code == 429
    assert "Please try again in a few minutes" in response.content.decode()
    # Another address is not held back.
    assert client.get(path, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_service_refuses_a_second_answer(resolved):
    link = read_survey_token(survey_token(resolved.pk, resolved.resolved_at))
    survey.answer_survey(link=link, satisfied=True, rating=5)

    with pytest.raises(survey.SurveyClosed):
        survey.answer_survey(link=link, satisfied=False, rating=1)


def test_the_service_refuses_a_rating_outside_1_to_5(resolved):
    link = read_survey_token(survey_token(resolved.pk, resolved.resolved_at))

    with pytest.raises(services.ComplaintError):
        survey.answer_survey(link=link, satisfied=True, rating=6)
