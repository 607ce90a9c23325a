"""The admin refuses, with a clear page, to delete what carries history, and offers archiving."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from customers import services
from customers.models import Contact, Customer
from tests.customers.test_admin import customer_form_data
from tests.factories import (
    ComplaintFactory,
    ComplaintUpdateFactory,
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/customers/customer/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def customer_with_history(name: str = "Harbour Café") -> Customer:
    customer = CustomerFactory(name=name)
    contact = ContactFactory(customer=customer)
    InteractionFactory.create_batch(3, customer=customer, contact=contact)
    FollowUpFactory(customer=customer, status="cancelled")
    return customer


def bulk_delete(client, customers, *, confirmed: bool = False):
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [c.pk for c in customers]}
    if confirmed:
        data["post"] = "yes"
    return client.post(CHANGELIST, data)


# --- One customer: the delete page ------------------------------------------------------------


def test_the_delete_page_of_a_customer_with_history_explains_and_offers_archiving(owner_client):
    customer = customer_with_history()

    response = owner_client.get(f"{CHANGELIST}{customer.pk}/delete/")

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert "1 contacts" in response.text and "3 interactions" in response.text
    assert "Archive instead" in response.text
    assert 'value="archive_selected"' in response.text


def test_posting_the_delete_page_of_a_customer_with_history_deletes_nothing(owner_client):
    customer = customer_with_history()

    response = owner_client.post(f"{CHANGELIST}{customer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert customer.interactions.count() == 3


def test_archive_instead_archives_the_customer(owner_client, owner):
    customer = customer_with_history()

    # what the "Archive instead" button posts
    response = owner_client.post(
        CHANGELIST, {"action": "archive_selected", ACTION_CHECKBOX_NAME: [customer.pk]}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_archived and customer.archived_by == owner


def test_a_customer_entered_by_mistake_is_deleted_from_the_admin(owner_client):
    customer = CustomerFactory()

    page = owner_client.get(f"{CHANGELIST}{customer.pk}/delete/")
    response = owner_client.post(f"{CHANGELIST}{customer.pk}/delete/", {"post": "yes"})

    assert "Are you sure" in page.text
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()


# --- Many customers: the bulk delete action ------------------------------------------------------


def test_bulk_delete_with_a_customer_with_history_is_refused_with_the_same_page(owner_client):
    kept = customer_with_history()
    typo = CustomerFactory(name="Harbor Cafe (typo)")

    response = bulk_delete(owner_client, [kept, typo], confirmed=True)

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert "Harbour Café" in response.text
    assert "Harbor Cafe (typo)" not in response.text
    assert Customer.objects.filter(pk__in=[kept.pk, typo.pk]).count() == 2


def test_bulk_delete_of_customers_without_history_still_works(owner_client):
    typos = CustomerFactory.create_batch(2)

    page = bulk_delete(owner_client, typos)
    response = bulk_delete(owner_client, typos, confirmed=True)

    assert "Are you sure" in page.text
    assert response.status_code == 302
    assert not Customer.objects.filter(pk__in=[typo.pk for typo in typos]).exists()


def test_the_archive_action_reports_customers_it_could_not_archive(owner_client):
    ready = customer_with_history("Ready")
    busy = customer_with_history("Busy")
    FollowUpFactory(customer=busy)

    response = owner_client.post(
        CHANGELIST,
        {"action": "archive_selected", ACTION_CHECKBOX_NAME: [ready.pk, busy.pk]},
        follow=True,
    )

    texts = [str(message) for message in response.context["messages"]]
    assert "1 customer was archived with their history." in texts
    assert any("Busy still has open work" in text for text in texts)
    assert Customer.objects.archived().get() == ready


def test_the_admin_list_hides_archived_customers_unless_asked(owner_client, owner):
    CustomerFactory(name="Current")
    gone = services.archive_customer(actor=owner, customer=CustomerFactory(name="Gone"))

    default = owner_client.get(CHANGELIST)
    only = owner_client.get(CHANGELIST, {"archived": "archived"})
    every = owner_client.get(CHANGELIST, {"archived": "all"})

    assert [c.name for c in default.context["cl"].result_list] == ["Current"]
    assert list(only.context["cl"].result_list) == [gone]
    assert every.context["cl"].result_count == 2


def test_the_restore_action_brings_a_customer_back(owner_client, owner):
    gone = services.archive_customer(actor=owner, customer=CustomerFactory())

    owner_client.post(
        f"{CHANGELIST}?archived=archived",
        {"action": "restore_selected", ACTION_CHECKBOX_NAME: [gone.pk]},
    )

    gone.refresh_from_db()
    assert not gone.is_archived


def test_supervisors_and_owners_hold_the_archive_permission(staff, supervisor, owner):
    assert not staff.has_perm(services.ARCHIVE_CUSTOMER)
    assert supervisor.has_perm(services.ARCHIVE_CUSTOMER)
    assert owner.has_perm(services.ARCHIVE_CUSTOMER)


# --- Other records with history: Django's own "cannot delete" page, never a 500 ----------------


def test_a_contact_someone_spoke_to_cannot_be_deleted_in_the_admin(owner_client):
    contact = ContactFactory()
    InteractionFactory(customer=contact.customer, contact=contact)

    page = owner_client.get(f"/admin/customers/contact/{contact.pk}/delete/")
    posted = owner_client.post(f"/admin/customers/contact/{contact.pk}/delete/", {"post": "yes"})
    bulk = owner_client.post(
        "/admin/customers/contact/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [contact.pk], "post": "yes"},
    )

    assert page.status_code == 200 and "protected related objects" in page.text
    assert posted.status_code == 200 and "protected related objects" in posted.text
    assert bulk.status_code == 200 and "protected related objects" in bulk.text
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_complaint_with_a_timeline_cannot_be_deleted_in_the_admin(owner_client):
    complaint = ComplaintUpdateFactory().complaint

    page = owner_client.get(f"/admin/complaints/complaint/{complaint.pk}/delete/")
    bulk = owner_client.post(
        "/admin/complaints/complaint/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [complaint.pk], "post": "yes"},
    )

    assert page.status_code == 200 and "protected related objects" in page.text
    assert bulk.status_code == 200 and "protected related objects" in bulk.text
    assert type(complaint).objects.filter(pk=complaint.pk).exists()


def test_deleting_a_contact_inline_from_the_customer_page_is_refused_with_a_message(owner_client):
    customer = ComplaintFactory().customer
    contact = ContactFactory(customer=customer)
    InteractionFactory(customer=customer, contact=contact)
    data = customer_form_data(
        customer,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-customer": customer.pk,
            "contacts-0-name": contact.name,
            "contacts-0-role": contact.role,
            "contacts-0-email": contact.email,
            "contacts-0-phone": "",
            "contacts-0-preferred_channel": "",
            "contacts-0-notes": "",
            "contacts-0-DELETE": "on",
        },
    )

    response = owner_client.post(f"{CHANGELIST}{customer.pk}/change/", data)

    assert response.status_code == 200
    assert "protected related objects" in response.text
    assert Contact.objects.filter(pk=contact.pk).exists()
