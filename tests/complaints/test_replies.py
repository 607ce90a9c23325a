"""A customer's email reply, posted by Mailgun, threads into the complaint it answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.customer_links import reply_address
from complaints.models import Complaint, ComplaintUpdate
from crm.models import Notice
from customers.models import FollowUp, InboundMessage
from tests import mailgun
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status


@pytest.fixture(autouse=True)
def _inbound(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": mailgun.SIGNING_KEY}
    settings.REPLY_ADDRESS = mailgun.REPLY_ADDRESS


@pytest.fixture
def complaint(staff):
    return ComplaintFactory(
        owner=staff, logged_by=staff, status=STATUS.INVESTIGATING, acknowledged_at=timezone.now()
    )


def resolved_by(owner) -> Complaint:
    complaint = ComplaintFactory(
        owner=owner, logged_by=owner, status=STATUS.INVESTIGATING, acknowledged_at=timezone.now()
    )
    return services.resolve(actor=owner, complaint=complaint, no_remedy=True)


def reply(client, complaint, **fields):
    form = mailgun.parsed_form(to=reply_address(complaint.pk), **fields)
    return client.post(mailgun.URL, form)


def test_a_reply_threads_into_its_complaint_and_tells_the_owner(client, complaint):
    other = ComplaintFactory(owner=complaint.owner)

    response = reply(
        client,
        complaint,
        text="It broke again.\n\nOn Fri, Dec 4, 2026 at 9:00 AM Tend wrote:\n> We fixed it.",
        stripped="It broke again.",
    )

    assert response.status_code == 200
    update = complaint.updates.get(kind=ComplaintUpdate.Kind.FROM_CUSTOMER)
    assert update.author is None and update.channel == "email"
    assert "Jane Doe <jane@example.net>" in update.text
    assert "It broke again." in update.text and "We fixed it" not in update.text
    assert not other.updates.exists()
    notice = Notice.objects.get(recipient=complaint.owner)
    assert complaint.reference in notice.subject
    assert notice.path == complaint.get_absolute_url()
    message = InboundMessage.objects.get()
    assert message.outcome == InboundMessage.Outcome.THREADED
    assert message.record == complaint and message.customer == complaint.customer


def test_quoted_history_is_trimmed_when_the_provider_did_not(client, complaint):
    reply(client, complaint, text="Still broken.\n\n> On Friday you wrote:\n> Fixed.")

    update = complaint.updates.get(kind=ComplaintUpdate.Kind.FROM_CUSTOMER)
    assert "Still broken." in update.text and "Fixed." not in update.text


def test_a_reply_in_the_cc_line_threads_too(client, complaint):
    form = mailgun.parsed_form(to="someone@else.example", cc=reply_address(complaint.pk))

    client.post(mailgun.URL, form)

    assert complaint.updates.filter(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).exists()


def test_a_bad_signature_is_refused_with_403_and_changes_nothing(client, complaint):
    form = mailgun.parsed_form(to=reply_address(complaint.pk), key="key-not-the-right-one")

    response = client.post(mailgun.URL, form)

    assert response.status_code == 403
    assert not complaint.updates.exists()
    assert not InboundMessage.objects.exists()
    assert not Notice.objects.exists()


def test_a_post_without_a_signature_is_refused(client, complaint):
    form = mailgun.parsed_form(to=reply_address(complaint.pk))
    del form["signature"]

    assert client.post(mailgun.URL, form).status_code == 403
    assert not InboundMessage.objects.exists()


def test_the_same_delivery_twice_records_it_once(client, complaint):
    first = reply(client, complaint, message_id="<same@mail.example.net>")
    second = reply(client, complaint, message_id="<same@mail.example.net>")

    assert first.status_code == second.status_code == 200
    assert complaint.updates.filter(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).count() == 1
    assert Notice.objects.count() == 1


def test_a_reply_within_14_days_of_closing_reopens_the_complaint(client, staff, time_machine):
    complaint = resolved_by(staff)
    Complaint.objects.filter(pk=complaint.pk).update(
        status=STATUS.CLOSED, closed_at=timezone.now(), satisfied_at=timezone.now()
    )
    time_machine.move_to(timezone.now() + timedelta(days=13))

    reply(client, complaint, stripped="The heater stopped again.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.closed_at is None and complaint.resolution_due > timezone.now()
    reopening = complaint.updates.get(kind=ComplaintUpdate.Kind.STATUS, to_status="investigating")
    assert reopening.text == "The customer replied: The heater stopped again."
    assert "reopened" in Notice.objects.get(recipient=staff).subject
    # The check-in of the resolution it reopened is off.
    check_in = FollowUp.objects.get(kind=FollowUp.Kind.AFTER_RESOLUTION, source_id=complaint.pk)
    assert check_in.status == FollowUp.Status.CANCELLED


def test_a_reply_to_a_resolved_complaint_reopens_it(client, staff):
    complaint = resolved_by(staff)

    reply(client, complaint, stripped="Not fixed at all.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING


def test_a_reply_long_after_closing_becomes_a_follow_up_for_the_owner(client, staff, time_machine):
    complaint = resolved_by(staff)
    Complaint.objects.filter(pk=complaint.pk).update(
        status=STATUS.CLOSED, closed_at=timezone.now()
    )
    time_machine.move_to(timezone.now() + timedelta(days=15))

    reply(client, complaint, subject="Re: Your complaint", stripped="Thanks again!")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.CLOSED
    assert complaint.updates.filter(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).exists()
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.OTHER)
    assert follow_up.owner == staff and follow_up.customer == complaint.customer
    assert complaint.reference in follow_up.subject
    assert follow_up.source == InboundMessage.objects.get()


def test_a_reply_while_waiting_on_the_customer_ends_the_wait(client, complaint, staff):
    services.wait_on_customer(actor=staff, complaint=complaint, reason="Photo of the label?")

    reply(client, complaint, stripped="Here is the label.")

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING and complaint.paused_at is None


def test_a_reply_to_a_forged_reference_goes_to_triage(client, complaint, owner):
    genuine = reply_address(complaint.pk)
    forged = genuine[: genuine.rindex("-") + 1] + "aaaaaaaaaa@tend.example"

    client.post(mailgun.URL, mailgun.parsed_form(to=forged))

    assert not complaint.updates.exists()
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == owner and "Triage" in follow_up.subject
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.TRIAGE
    notice = Notice.objects.get(recipient=owner)
    assert "complaint reference Tend does not know" in notice.body


def test_a_reply_to_a_complaint_that_does_not_exist_goes_to_triage(client, owner):
    client.post(mailgun.URL, mailgun.parsed_form(to=reply_address(999_999)))

    assert FollowUp.objects.get().owner == owner


def test_a_signed_post_replayed_with_another_message_is_ignored(client, complaint):
    first = mailgun.parsed_form(to=reply_address(complaint.pk))
    replayed = mailgun.parsed_form(
        to=reply_address(complaint.pk), message_id="<forged@evil.example>", stripped="Refund me!"
    )
    for name in ("timestamp", "token", "signature"):
        replayed[name] = first[name]

    client.post(mailgun.URL, first)
    response = client.post(mailgun.URL, replayed)

    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
    assert "Refund me!" not in complaint.updates.get(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).text


def test_the_webhook_needs_no_csrf_token_nor_a_sign_in(complaint):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        mailgun.URL, mailgun.parsed_form(to=reply_address(complaint.pk))
    )

    assert response.status_code == 200
    assert complaint.updates.filter(kind=ComplaintUpdate.Kind.FROM_CUSTOMER).exists()


def test_the_complaint_page_shows_the_customer_as_the_author_of_their_reply(
    client, complaint, staff
):
    reply(client, complaint, stripped="Any news?")
    client.force_login(staff)

    page = client.get(complaint.get_absolute_url()).content.decode()

    assert "From the customer" in page and "· the customer" in page and "Any news?" in page
