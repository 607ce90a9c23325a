"""What the customer hears about their complaint: each event, its words, and the opt-outs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings

from complaints import messages, services
from complaints.customer_links import read_survey_token, reply_address
from complaints.models import ComplaintUpdate, Remedy
from customers import services as customer_services
from customers.messaging.formats import when
from customers.messaging.models import CustomerMessage, MessageEvent
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
CHECK_IN_DUE = timedelta(days=django_settings.COMPLAINT_CHECK_IN_DAYS)


@pytest.fixture(autouse=True)
def _setup(clock, settings):
    clock.set(NOW)
    settings.REPLY_ADDRESS = "replies@tend.example"
    settings.SITE_URL = "https://tend.example"


def log(staff, customer, **fields):
    return services.log_complaint(
        actor=staff,
        customer=customer,
        customer_words="The oven door came off its hinge.",
        channel="phone",
        **fields,
    )


def resolve(staff, complaint):
    if complaint.status == "new":
        complaint = services.acknowledge(actor=staff, complaint=complaint)
        complaint = services.start_investigating(actor=staff, complaint=complaint)
    return services.resolve(actor=staff, complaint=complaint, no_remedy=True)


def sent(customer, event) -> CustomerMessage:
    return CustomerMessage.objects.get(customer=customer, event=event)


# One way to cause each event, as the services do.
def cause_complaint_logged(staff, customer, clock):
    log(staff, customer)


def cause_promise_set(staff, customer, clock):
    services.set_promised_time(
        actor=staff, complaint=log(staff, customer), promised_by=NOW + timedelta(days=2)
    )


def cause_promise_moved(staff, customer, clock):
    complaint = log(staff, customer)
    complaint = services.set_promised_time(
        actor=staff, complaint=complaint, promised_by=NOW + timedelta(days=2)
    )
    services.set_promised_time(
        actor=staff, complaint=complaint, promised_by=NOW + timedelta(days=4), reason="Parts late"
    )


def cause_remedy_granted(staff, customer, clock):
    remedy = services.propose_remedy(
        actor=staff, complaint=log(staff, customer), kind="apology", amount=None
    )
    services.deliver_remedy(actor=staff, remedy=remedy)


def cause_resolved(staff, customer, clock):
    resolve(staff, log(staff, customer))


def cause_check_in_survey(staff, customer, clock):
    resolve(staff, log(staff, customer))
    clock.set(NOW + CHECK_IN_DUE)
    messages.send_check_in_surveys()


def cause_callback_booked(staff, customer, clock):
    customer_services.log_interaction(
        actor=staff, customer=customer, summary="Asked about the refund", needs_callback=True
    )


CAUSES = {
    MessageEvent.COMPLAINT_LOGGED: cause_complaint_logged,
    MessageEvent.PROMISE_SET: cause_promise_set,
    MessageEvent.PROMISE_MOVED: cause_promise_moved,
    MessageEvent.REMEDY_GRANTED: cause_remedy_granted,
    MessageEvent.RESOLVED: cause_resolved,
    MessageEvent.CHECK_IN_SURVEY: cause_check_in_survey,
    MessageEvent.CALLBACK_BOOKED: cause_callback_booked,
}


def test_every_event_has_a_cause_here():
    assert set(CAUSES) == set(MessageEvent.values)


@pytest.mark.parametrize("event", MessageEvent.values)
@pytest.mark.parametrize(
    ("flags", "sent_when"),
    [
        ({}, "always"),
        ({"do_not_contact": True}, "service messages"),
        ({"no_messages": True}, "never"),
        ({"do_not_contact": True, "no_messages": True}, "never"),
    ],
)
def test_opt_outs_are_honoured_for_each_event(staff, clock, event, flags, sent_when):
    customer = CustomerFactory(**flags)

    CAUSES[event](staff, customer, clock)

    message = sent(customer, event)
    expected = {
        "always": True,
        "service messages": event != MessageEvent.CHECK_IN_SURVEY,
        "never": False,
    }[sent_when]
    assert (message.status == CustomerMessage.Status.QUEUED) is expected
    if not expected:
        assert message.status == CustomerMessage.Status.SKIPPED
        assert message.last_error in {
            "The customer opted out of all messages.",
            "The customer is marked do not contact.",
        }


def test_the_acknowledgement_says_the_reference_what_we_heard_the_owner_and_when_next(staff):
    staff.first_name, staff.last_name = "Ada", "Lovelace"
    staff.save()
    customer = CustomerFactory(name="Bea Quinn")

    complaint = log(staff, customer, what_we_heard="A working oven before Saturday.")

    message = sent(customer, MessageEvent.COMPLAINT_LOGGED)
    assert message.subject == f"We have your complaint {complaint.reference}"
    assert "What we heard: A working oven before Saturday." in message.body
    assert "Ada Lovelace is looking after it" in message.body
    assert f"you will hear from us by {when(complaint.first_response_due)}." in message.body
    assert message.reply_to == reply_address(complaint.pk)
    assert message.about == complaint


def test_without_a_restated_need_the_acknowledgement_quotes_the_customers_words(staff):
    customer = CustomerFactory()

    log(staff, customer)

    message = sent(customer, MessageEvent.COMPLAINT_LOGGED)
    assert "What we heard: The oven door came off its hinge." in message.body


def test_the_acknowledgement_goes_to_the_complaints_contact(staff):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer, name="Cy Park")

    log(staff, customer, contact=contact)

    message = sent(customer, MessageEvent.COMPLAINT_LOGGED)
    assert message.recipient == contact.email
    assert message.body.startswith("Dear Cy Park,")


def test_a_moved_promise_tells_the_new_time_and_why_and_the_message_records_it(staff):
    customer = CustomerFactory()
    complaint = services.set_promised_time(
        actor=staff, complaint=log(staff, customer), promised_by=NOW + timedelta(days=2)
    )

    services.set_promised_time(
        actor=staff, complaint=complaint, promised_by=NOW + timedelta(days=4), reason="Parts late"
    )

    moved = sent(customer, MessageEvent.PROMISE_MOVED)
    assert f"by {when(NOW + timedelta(days=4))}" in moved.body
    assert "Why: Parts late" in moved.body
    updates = ComplaintUpdate.objects.filter(
        complaint=complaint, kind=ComplaintUpdate.Kind.PROMISE
    ).order_by("pk")
    assert [update.message.event for update in updates] == ["promise_set", "promise_moved"]


def test_the_complaint_page_shows_the_customer_was_told_of_the_promise(staff_client, staff):
    complaint = services.set_promised_time(
        actor=staff, complaint=log(staff, CustomerFactory()), promised_by=NOW + timedelta(days=2)
    )

    page = staff_client.get(complaint.get_absolute_url()).content.decode()

    assert "Customer told by message (Email): queued" in page


def test_a_delivered_remedy_tells_what_was_done(staff):
    customer = CustomerFactory()
    complaint = log(staff, customer)
    remedy = services.propose_remedy(
        actor=staff, complaint=complaint, kind="apology", amount=None, description="By letter"
    )

    services.deliver_remedy(actor=staff, remedy=remedy)

    message = sent(customer, MessageEvent.REMEDY_GRANTED)
    assert "this is done for you: Apology — By letter." in message.body


def test_a_resolution_tells_the_delivered_remedies(staff):
    customer = CustomerFactory()
    complaint = log(staff, customer)
    remedy = services.propose_remedy(actor=staff, complaint=complaint, kind="apology", amount=None)
    services.deliver_remedy(actor=staff, remedy=remedy)

    services.resolve(actor=staff, complaint=complaint)

    message = sent(customer, MessageEvent.RESOLVED)
    assert "What we did: Apology." in message.body
    assert Remedy.objects.get().decision == "delivered"


def test_the_survey_goes_once_when_the_check_in_falls_due_with_a_link_to_that_resolution(
    staff, clock, django_assert_num_queries
):
    customer = CustomerFactory()
    complaint = resolve(staff, log(staff, customer))

    # not yet due: nothing
    clock.set(NOW + CHECK_IN_DUE - timedelta(minutes=1))
    assert messages.send_check_in_surveys() == 0

    # due: one message, written in a fixed number of queries
    clock.set(NOW + CHECK_IN_DUE)
    with django_assert_num_queries(5):
        assert messages.send_check_in_surveys() == 1
    assert messages.send_check_in_surveys() == 0

    message = sent(customer, MessageEvent.CHECK_IN_SURVEY)
    link = next(word for word in message.body.split() if word.startswith("https://"))
    token = link.removeprefix("https://tend.example/survey/").rstrip("/")
    assert read_survey_token(token).complaint_id == complaint.pk
    assert read_survey_token(token).resolved_at == complaint.resolved_at


def test_the_survey_sweep_costs_the_same_for_many_complaints(
    staff, clock, django_assert_num_queries
):
    for _customer in range(5):
        resolve(staff, log(staff, CustomerFactory()))
    clock.set(NOW + CHECK_IN_DUE)

    with django_assert_num_queries(5):
        assert messages.send_check_in_surveys() == 5


def test_a_complaint_resolved_again_after_a_reopening_is_asked_again(staff, clock):
    customer = CustomerFactory()
    complaint = resolve(staff, log(staff, customer))
    clock.set(NOW + CHECK_IN_DUE)
    messages.send_check_in_surveys()
    clock.set(NOW + CHECK_IN_DUE + timedelta(hours=1))
    complaint = services.reopen(actor=staff, complaint=complaint, reason="Broken again")
    resolve(staff, complaint)

    clock.set(NOW + 2 * CHECK_IN_DUE + timedelta(hours=1))
    assert messages.send_check_in_surveys() == 1

    assert CustomerMessage.objects.filter(event=MessageEvent.CHECK_IN_SURVEY).count() == 2


def test_a_booked_call_back_tells_when_we_will_call(staff):
    customer = CustomerFactory()

    _interaction, callback = customer_services.log_interaction(
        actor=staff, customer=customer, summary="Asked about the refund", needs_callback=True
    )

    message = sent(customer, MessageEvent.CALLBACK_BOOKED)
    assert f"will call you back by {when(callback.due_at)}" in message.body
    assert message.about == callback
    assert message.reply_to == ""


def test_the_promise_form_sent_twice_tells_the_customer_once(staff_client, staff):
    complaint = log(staff, CustomerFactory())
    form = {
        "promise-promised_by": "2026-11-25T15:00",
        "version": complaint.version,
    }

    first = staff_client.post(f"/complaints/{complaint.pk}/do/promise/", form)
    second = staff_client.post(f"/complaints/{complaint.pk}/do/promise/", form)

    # the second, from a page opened before the first, is refused as stale
    assert (first.status_code, second.status_code) == (302, 400)
    assert CustomerMessage.objects.filter(event__startswith="promise_").count() == 1
    assert ComplaintUpdate.objects.filter(kind=ComplaintUpdate.Kind.PROMISE).count() == 1


def test_two_sweeps_at_once_write_one_survey_per_complaint(staff, clock):
    complaint = resolve(staff, log(staff, CustomerFactory()))
    clock.set(NOW + CHECK_IN_DUE)
    resolution = int(complaint.resolved_at.timestamp())
    key = f"check_in_survey:complaint:{complaint.pk}:resolved-{resolution}"
    # the other sweep wrote it between this one's read and its write
    CustomerMessage.objects.create(
        customer=complaint.customer, event=MessageEvent.CHECK_IN_SURVEY, event_key=key
    )

    rows = messages.queue_messages(
        [
            messages.Composer(events=[MessageEvent.CHECK_IN_SURVEY]).compose(
                customer=complaint.customer,
                event=MessageEvent.CHECK_IN_SURVEY,
                event_key=key,
                values={},
            )
        ]
    )

    assert len(rows) == 1
    assert CustomerMessage.objects.filter(event_key=key).count() == 1
