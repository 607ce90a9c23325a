"""Owners edit what customers receive in the admin: templates, preview, sender; the timeline."""

import pytest

from complaints import services
from customers.messaging.admin import MANAGE
from customers.messaging.models import CustomerMessage, MessageTemplate, MessagingSettings
from customers.messaging.placeholders import fill, unknown_placeholders
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def template(event="complaint_logged", channel="email") -> MessageTemplate:
    return MessageTemplate.objects.get(event=event, channel=channel)


def change(client, obj: MessageTemplate, **fields):
    data = {
        "event": obj.event,
        "channel": obj.channel,
        "subject": obj.subject,
        "body": obj.body,
    } | fields
    return client.post(f"/admin/customers/messagetemplate/{obj.pk}/change/", data)


def test_every_event_ships_with_an_email_and_a_text_template_and_a_sender():
    assert MessageTemplate.objects.count() == 14
    assert MessagingSettings.load().sender_name == "Customer care"
    for shipped in MessageTemplate.objects.all():
        assert unknown_placeholders(shipped.subject + shipped.body) == []


def test_an_owner_changes_a_template_and_the_next_message_uses_it(owner_client, staff):
    response = change(owner_client, template(), subject="Thanks! Ref {reference}")

    assert response.status_code == 302
    complaint = services.log_complaint(
        actor=staff, customer=CustomerFactory(), customer_words="Broken", channel="phone"
    )
    message = CustomerMessage.objects.get(event="complaint_logged")
    assert message.subject == f"Thanks! Ref {complaint.reference}"


def test_a_template_with_an_unknown_placeholder_is_refused_with_the_known_ones_named(
    owner_client,
):
    shipped = template()

    response = change(owner_client, shipped, body="Dear {customer_name}, your {refrence} {x.y}")

    assert response.status_code == 200
    form = response.context["adminform"].form
    [error] = form.errors.as_data()["body"]
    assert error.code == "unknown_placeholder"
    assert "Unknown placeholder {refrence}, {x.y}. Use only: {customer_name}" in error.messages[0]
    assert template().body == shipped.body


def test_filling_leaves_other_braces_alone_and_never_fails():
    text = "Ref {reference} {{not}} {unknown} {"

    assert fill(text, {"reference": "C-000001"}) == "Ref C-000001 {{not}} {unknown} {"


def test_the_preview_fills_the_template_with_the_latest_complaint(owner_client, staff):
    customer = CustomerFactory(name="Bea Quinn")
    complaint = services.log_complaint(
        actor=staff, customer=customer, customer_words="Broken", channel="phone"
    )

    page = owner_client.get(f"/admin/customers/messagetemplate/{template().pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f"We have your complaint {complaint.reference}" in html
    assert "Dear Bea Quinn," in html


def test_the_preview_says_so_when_there_is_nothing_to_preview_with(owner_client):
    page = owner_client.get(f"/admin/customers/messagetemplate/{template().pk}/change/")

    assert "Nothing to preview with yet" in page.content.decode()


def test_an_owner_sets_the_sender_name_and_signature(owner_client, staff):
    settings_row = MessagingSettings.objects.get()

    response = owner_client.post(
        f"/admin/customers/messagingsettings/{settings_row.pk}/change/",
        {"sender_name": "Bean There Coffee", "signature": "Mo, Bean There"},
    )

    assert response.status_code == 302
    services.log_complaint(
        actor=staff, customer=CustomerFactory(), customer_words="Broken", channel="phone"
    )
    message = CustomerMessage.objects.get()
    assert message.sender_name == "Bean There Coffee"
    assert message.body.endswith("Mo, Bean There")


def test_only_owners_may_edit_the_messages_though_staff_change_most_of_customers(
    staff, supervisor, owner
):
    assert staff.has_perm("customers.change_customer")
    assert [person.has_perm(MANAGE) for person in (staff, supervisor, owner)] == [
        False,
        False,
        True,
    ]


def test_someone_with_admin_access_but_not_an_owner_reads_the_templates_but_cannot_change_them(
    client, staff
):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    response = change(client, template(), subject="Changed")

    assert response.status_code == 403
    assert template().subject != "Changed"


def test_the_customer_page_shows_each_message_and_what_became_of_it(staff_client, staff):
    customer = CustomerFactory(no_messages=True)
    services.log_complaint(
        actor=staff, customer=customer, customer_words="Broken", channel="phone"
    )

    page = staff_client.get(f"/customers/{customer.pk}/")

    [entry] = [e for e in page.context["timeline"] if e.kind == "message"]
    assert entry.title.startswith("Message: We have your complaint C-")
    assert entry.badge == "not sent"
    assert "The customer opted out of all messages." in entry.detail
    assert "No messages" in page.content.decode()


def test_the_customer_form_offers_the_all_messages_opt_out(staff_client):
    customer = CustomerFactory()

    page = staff_client.get(f"/customers/{customer.pk}/edit/")

    assert 'name="no_messages"' in page.content.decode()
