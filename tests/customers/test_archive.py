"""Customers with history are archived, never deleted; archived ones leave the everyday lists."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError

from customers import services
from customers.models import Contact, Customer
from tests.factories import (
    ComplaintFactory,
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    InteractionFactory,
    OnboardingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def archived(customer: Customer, *, by) -> Customer:
    return services.archive_customer(actor=by, customer=customer, reason="Closed in 2023")


# --- Deleting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attach",
    [
        lambda customer: ContactFactory(customer=customer),
        lambda customer: InteractionFactory(customer=customer),
        lambda customer: FollowUpFactory(customer=customer, status="cancelled"),
        lambda customer: ComplaintFactory(customer=customer),
        lambda customer: OnboardingFactory(customer=customer),
    ],
    ids=["contact", "interaction", "follow-up", "complaint", "onboarding"],
)
def test_a_customer_with_any_history_cannot_be_deleted(attach):
    customer = CustomerFactory()
    attach(customer)

    with pytest.raises(ProtectedError):
        customer.delete()

    assert Customer.objects.filter(pk=customer.pk).exists()


def test_the_contact_log_cannot_be_deleted_from_under_its_contact_or_staff_member():
    interaction = InteractionFactory(contact=ContactFactory())

    with pytest.raises(ProtectedError):
        interaction.contact.delete()
    with pytest.raises(ProtectedError):
        interaction.staff.delete()


def test_a_customer_entered_by_mistake_with_nothing_attached_can_be_deleted():
    customer = CustomerFactory()
    referred = CustomerFactory(referred_by=customer)

    customer.delete()

    assert not Customer.objects.filter(pk=customer.pk).exists()
    referred.refresh_from_db()
    assert referred.referred_by is None


def test_with_history_finds_customers_that_anything_points_to_including_other_apps():
    plain = CustomerFactory()
    with_contact = ContactFactory().customer
    with_complaint = ComplaintFactory().customer

    found = set(Customer.objects.with_history())

    assert found == {with_contact, with_complaint}
    assert plain not in found


def test_history_summary_counts_what_keeps_the_customer():
    customer = CustomerFactory()
    ContactFactory.create_batch(2, customer=customer)
    InteractionFactory(customer=customer)

    assert customer.history_summary() == [("contacts", 2), ("interactions", 1)]


# --- The archive service -------------------------------------------------------------------------


def test_a_supervisor_archives_a_customer_keeping_everything(supervisor):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    InteractionFactory(customer=customer, contact=contact)
    version = customer.version

    result = archived(customer, by=supervisor)

    customer.refresh_from_db()
    assert result.is_archived and customer.is_archived
    assert customer.archived_by == supervisor
    assert customer.archive_reason == "Closed in 2023"
    assert customer.version == version + 1
    assert customer.contacts.count() == 1 and customer.interactions.count() == 1
    assert customer.history.latest().history_user == supervisor


def test_an_owner_may_archive_too(owner):
    assert archived(CustomerFactory(), by=owner).is_archived


def test_front_line_staff_may_not_archive(staff):
    customer = CustomerFactory()

    with pytest.raises(PermissionDenied):
        archived(customer, by=staff)

    customer.refresh_from_db()
    assert not customer.is_archived


def test_a_customer_with_open_work_is_not_archived(supervisor):
    customer = CustomerFactory()
    FollowUpFactory(customer=customer)

    with pytest.raises(services.ArchiveError, match="still has open work"):
        archived(customer, by=supervisor)

    customer.refresh_from_db()
    assert not customer.is_archived


def test_a_customer_with_an_open_complaint_is_not_archived(supervisor):
    customer = ComplaintFactory().customer

    with pytest.raises(services.ArchiveError, match="still has open work"):
        archived(customer, by=supervisor)


def test_archiving_twice_is_refused(supervisor):
    customer = archived(CustomerFactory(), by=supervisor)

    with pytest.raises(services.ArchiveError, match="already archived"):
        archived(customer, by=supervisor)


def test_restoring_brings_the_customer_back(supervisor):
    customer = archived(CustomerFactory(), by=supervisor)

    services.restore_customer(actor=supervisor, customer=customer)

    customer.refresh_from_db()
    assert not customer.is_archived
    assert customer.archived_by is None and customer.archive_reason == ""
    assert Customer.objects.current().filter(pk=customer.pk).exists()


def test_front_line_staff_may_not_restore(staff, supervisor):
    customer = archived(CustomerFactory(), by=supervisor)

    with pytest.raises(PermissionDenied):
        services.restore_customer(actor=staff, customer=customer)


def test_restoring_a_customer_who_is_not_archived_is_refused(supervisor):
    with pytest.raises(services.ArchiveError, match="not archived"):
        services.restore_customer(actor=supervisor, customer=CustomerFactory())


def test_an_edit_opened_before_the_archive_is_refused_as_stale(staff, supervisor):
    customer = CustomerFactory()
    opened = Customer.objects.get(pk=customer.pk)
    archived(customer, by=supervisor)

    opened.name = "Renamed"
    with pytest.raises(services.StaleEditError):
        services.update_customer(actor=staff, customer=opened, expected_version=opened.version)


def test_an_edit_never_changes_the_archive_state(owner, supervisor):
    # given a copy from before the archive, as a history revert would save it
    customer = CustomerFactory()
    before = Customer.objects.get(pk=customer.pk)
    archived(customer, by=supervisor)
    current_version = Customer.objects.get(pk=customer.pk).version

    # when it is saved as an edit
    services.update_customer(actor=owner, customer=before, expected_version=current_version)

    # then the customer stays archived
    customer.refresh_from_db()
    assert customer.is_archived and customer.archived_by == supervisor


# --- Lists, search and the customer page ---------------------------------------------------------


def test_the_customer_list_leaves_archived_customers_out(staff_client, supervisor):
    CustomerFactory(name="Harbour Bakery")
    archived(CustomerFactory(name="Harbour Café"), by=supervisor)

    response = staff_client.get("/customers/")
    searched = staff_client.get("/customers/", {"q": "harbour"})

    assert [customer.name for customer in response.context["page"]] == ["Harbour Bakery"]
    assert [customer.name for customer in searched.context["page"]] == ["Harbour Bakery"]


def test_the_archived_filter_finds_them_with_their_whole_timeline(staff_client, supervisor):
    customer = CustomerFactory(name="Harbour Café")
    InteractionFactory(customer=customer, summary="Asked about the winter menu")
    archived(customer, by=supervisor)
    CustomerFactory(name="Harbour Bakery")

    only = staff_client.get("/customers/", {"archived": "only", "q": "harbour"})
    both = staff_client.get("/customers/", {"archived": "include"})
    page = staff_client.get(f"/customers/{customer.pk}/")

    assert [customer.name for customer in only.context["page"]] == ["Harbour Café"]
    assert {customer.name for customer in both.context["page"]} == {
        "Harbour Bakery",
        "Harbour Café",
    }
    assert page.status_code == 200
    assert "Asked about the winter menu" in page.text
    assert "Archived on" in page.text and "Closed in 2023" in page.text


def test_an_unknown_archived_filter_value_leaves_archived_customers_out(staff_client, supervisor):
    archived(CustomerFactory(), by=supervisor)

    response = staff_client.get("/customers/", {"archived": "everything"})

    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_the_search_box_leaves_archived_customers_out_and_links_to_them(staff_client, supervisor):
    archived(CustomerFactory(name="Harbour Café"), by=supervisor)
    CustomerFactory(name="Harbour Bakery")
    CustomerFactory(name="Harbour Books")

    response = staff_client.get("/search/", {"q": "harbour"})

    assert {customer.name for customer in response.context["customers"]} == {
        "Harbour Bakery",
        "Harbour Books",
    }
    assert "archived=include" in response.text


def test_a_supervisor_archives_from_the_customer_page_and_restores(supervisor_client):
    customer = CustomerFactory(name="Harbour Café")
    ContactFactory(customer=customer)
    page = supervisor_client.get(f"/customers/{customer.pk}/")
    assert f"/customers/{customer.pk}/archive/" in page.text

    response = supervisor_client.post(
        f"/customers/{customer.pk}/archive/", {"reason": "Duplicate of Harbour Cafe Ltd"}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_archived and customer.archive_reason == "Duplicate of Harbour Cafe Ltd"
    listed = supervisor_client.get("/customers/")
    assert customer not in listed.context["page"]

    response = supervisor_client.post(f"/customers/{customer.pk}/restore/")

    assert response.status_code == 302
    customer.refresh_from_db()
    assert not customer.is_archived
    assert customer in supervisor_client.get("/customers/").context["page"]


def test_the_archive_page_shows_why_a_customer_with_open_work_stays(supervisor_client):
    customer = CustomerFactory()
    FollowUpFactory(customer=customer)

    response = supervisor_client.post(f"/customers/{customer.pk}/archive/", {"reason": ""})

    assert response.status_code == 200
    assert "still has open work" in response.text
    customer.refresh_from_db()
    assert not customer.is_archived


def test_the_archive_reason_is_a_checked_input(supervisor_client):
    customer = CustomerFactory()

    response = supervisor_client.post(f"/customers/{customer.pk}/archive/", {"reason": "x" * 301})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    customer.refresh_from_db()
    assert not customer.is_archived


def test_front_line_staff_see_no_archive_button_and_are_refused(staff_client, supervisor):
    customer = CustomerFactory()
    page = staff_client.get(f"/customers/{customer.pk}/")
    assert "/archive/" not in page.text

    assert staff_client.post(f"/customers/{customer.pk}/archive/").status_code == 403
    archived(customer, by=supervisor)
    assert staff_client.post(f"/customers/{customer.pk}/restore/").status_code == 403
    customer.refresh_from_db()
    assert customer.is_archived


def test_an_archived_customer_page_offers_restore_instead_of_new_work(
    supervisor_client, supervisor
):
    customer = archived(CustomerFactory(), by=supervisor)

    page = supervisor_client.get(f"/customers/{customer.pk}/")

    assert f"/customers/{customer.pk}/restore/" in page.text
    assert f"/customers/{customer.pk}/log/" not in page.text
    assert f"/customers/{customer.pk}/archive/" not in page.text


def test_restore_only_answers_posts(supervisor_client, supervisor):
    customer = archived(CustomerFactory(), by=supervisor)

    assert supervisor_client.get(f"/customers/{customer.pk}/restore/").status_code == 405


def test_contacts_of_an_archived_customer_are_kept(supervisor):
    customer = CustomerFactory()
    ContactFactory(customer=customer)

    archived(customer, by=supervisor)

    assert Contact.objects.filter(customer=customer).count() == 1
