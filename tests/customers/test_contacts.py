"""The people of a customer: added, edited and removed from the customer's page."""

import pytest
from django.core.exceptions import PermissionDenied

from customers import services
from customers.models import Contact
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "name": "Priya Shah",
        "role": "Office manager",
        "phone": "(202) 555-0150",
        "email": "priya@example.com",
        "preferred_channel": "phone",
        "notes": "Prefers mornings.",
    }
    data.update(overrides)
    return data


# --- Services -----------------------------------------------------------------------------------


def test_a_new_primary_contact_takes_over_from_the_former_one(staff):
    customer = CustomerFactory()
    former = ContactFactory(customer=customer, is_primary=True)

    added = services.add_contact(
        actor=staff, customer=customer, contact=Contact(name="Priya Shah", is_primary=True)
    )

    former.refresh_from_db()
    assert (added.is_primary, former.is_primary) == (True, False)
    assert added.history.get().history_user == staff


def test_an_edit_made_primary_takes_over_too(staff):
    customer = CustomerFactory()
    former = ContactFactory(customer=customer, is_primary=True)
    other = ContactFactory(customer=customer)

    other.is_primary = True
    services.update_contact(actor=staff, contact=other)

    former.refresh_from_db()
    other.refresh_from_db()
    assert (former.is_primary, other.is_primary) == (False, True)


def test_someone_without_the_permission_may_not_change_contacts():
    nobody = UserFactory()
    contact = ContactFactory()
    with pytest.raises(PermissionDenied):
        services.add_contact(actor=nobody, customer=contact.customer, contact=Contact(name="X"))
    with pytest.raises(PermissionDenied):
        services.update_contact(actor=nobody, contact=contact)
    with pytest.raises(PermissionDenied):
        services.remove_contact(actor=nobody, contact=contact)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_an_archived_customers_people_stay_as_they_were(staff, supervisor):
    customer = CustomerFactory()
    services.archive_customer(actor=supervisor, customer=customer)
    with pytest.raises(services.ContactError):
        services.add_contact(actor=staff, customer=customer, contact=Contact(name="Late"))
    assert not customer.contacts.exists()


def test_removing_a_contact_keeps_their_history(staff):
    contact = ContactFactory()
    pk = contact.pk

    services.remove_contact(actor=staff, contact=contact)

    assert not Contact.objects.filter(pk=pk).exists()
    removal = Contact.history.filter(id=pk).latest("history_date")
    assert (removal.history_type, removal.history_user) == ("-", staff)


def test_someone_named_in_the_contact_log_is_not_removed(staff):
    contact = ContactFactory()
    InteractionFactory(customer=contact.customer, contact=contact)

    with pytest.raises(services.ContactError):
        services.remove_contact(actor=staff, contact=contact)

    assert Contact.objects.filter(pk=contact.pk).exists()


# --- Pages --------------------------------------------------------------------------------------


def test_the_customer_page_offers_to_add_edit_and_remove_people(staff_client):
    contact = ContactFactory()
    customer = contact.customer

    content = staff_client.get(customer.get_absolute_url()).content.decode()

    assert f"/customers/{customer.pk}/contacts/new/" in content
    assert f"/customers/{customer.pk}/contacts/{contact.pk}/edit/" in content
    assert f"/customers/{customer.pk}/contacts/{contact.pk}/remove/" in content


def test_adding_a_person_from_the_customer_page(staff_client, staff):
    customer = CustomerFactory()
    form = staff_client.get(f"/customers/{customer.pk}/contacts/new/")
    # The first person of a customer is offered as their primary contact.
    assert form.context["form"]["is_primary"].value() is True

    response = staff_client.post(f"/customers/{customer.pk}/contacts/new/", _data(is_primary="on"))

    assert response.url == customer.get_absolute_url()
    contact = customer.contacts.get()
    assert (contact.name, contact.phone_normalised, contact.is_primary) == (
        "Priya Shah",
        "+12025550150",
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "Priya\nShah"}, "name", "line_break"),
        ({"phone": "call me"}, "phone", "invalid_phone"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"preferred_channel": "pigeon"}, "preferred_channel", "invalid_choice"),
    ],
)
def test_a_person_with_bad_details_is_not_added(staff_client, overrides, field, code):
    customer = CustomerFactory()

    response = staff_client.post(f"/customers/{customer.pk}/contacts/new/", _data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors.get_json_data()[field][0]["code"] == code
    assert not customer.contacts.exists()


def test_editing_a_person(staff_client):
    contact = ContactFactory(name="Priya Shah")
    url = f"/customers/{contact.customer_id}/contacts/{contact.pk}/edit/"
    assert staff_client.get(url).context["form"]["name"].value() == "Priya Shah"

    response = staff_client.post(url, _data(role="Left in May"))

    contact.refresh_from_db()
    assert response.url == contact.customer.get_absolute_url()
    assert contact.role == "Left in May"


def test_a_person_is_reached_only_through_their_own_customer(staff_client):
    contact = ContactFactory()
    other = CustomerFactory()
    for action in ("edit", "remove"):
        url = f"/customers/{other.pk}/contacts/{contact.pk}/{action}/"
        assert staff_client.get(url).status_code == 404
        assert staff_client.post(url, _data()).status_code == 404
    assert Contact.objects.get(pk=contact.pk).name == contact.name


def test_removing_asks_first_then_removes(staff_client):
    contact = ContactFactory(name="Priya Shah")
    url = f"/customers/{contact.customer_id}/contacts/{contact.pk}/remove/"

    asked = staff_client.get(url)
    assert b"Remove Priya Shah?" in asked.content
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = staff_client.post(url, follow=True)

    assert not Contact.objects.filter(name="Priya Shah").exists()
    assert "Priya Shah was removed." in [str(m) for m in response.context["messages"]]


def test_removing_someone_named_in_the_log_says_why_not(staff_client):
    contact = ContactFactory(name="Priya Shah")
    InteractionFactory(customer=contact.customer, contact=contact)

    response = staff_client.post(
        f"/customers/{contact.customer_id}/contacts/{contact.pk}/remove/", follow=True
    )

    assert response.status_code == 200
    assert "stay on the record" in " ".join(str(m) for m in response.context["messages"])
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_someone_without_the_permission_is_refused_by_the_pages(client):
    contact = ContactFactory()
    client.force_login(UserFactory())
    base = f"/customers/{contact.customer_id}/contacts"
    assert client.post(f"{base}/new/", _data()).status_code == 403
    assert client.post(f"{base}/{contact.pk}/edit/", _data()).status_code == 403
    assert client.post(f"{base}/{contact.pk}/remove/").status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()
