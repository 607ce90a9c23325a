"""The owners' admin: lists without N+1, versioned edits, history, CSP headers, who gets in."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django.utils.csp import CSP

from customers import services
from customers.models import Customer, FollowUpReschedule
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 120


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def customer_form_data(customer: Customer, **changes) -> dict:
    """What the admin's change form posts back for the customer, with the changes."""
    data = {
        "name": customer.name,
        "kind": customer.kind,
        "status": customer.status,
        "account_owner": customer.account_owner_id or "",
        "referred_by": customer.referred_by_id or "",
        "expected_version": customer.version,
        "phone": customer.phone,
        "email": customer.email,
        "address": customer.address,
        "preferred_channel": customer.preferred_channel,
        "contact_days": list(customer.contact_days),
        "contact_from": "",
        "contact_until": "",
        "keep_in_touch_days": customer.keep_in_touch_days or "",
        "interests": customer.interests,
        "goals": customer.goals,
        "became_customer_on": customer.became_customer_on or "",
        "lost_on": "",
        "lost_reason": customer.lost_reason,
        "lost_note": customer.lost_note,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "interactions-TOTAL_FORMS": "0",
        "interactions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


# --- Lists run a constant number of queries ------------------------------------------------------


def test_the_customer_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    CustomerFactory.create_batch(ROWS)

    with django_assert_max_num_queries(10):
        response = owner_client.get("/admin/customers/customer/")

    assert response.context["cl"].result_count == ROWS


def test_the_contact_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    ContactFactory.create_batch(ROWS)

    with django_assert_max_num_queries(7):
        response = owner_client.get("/admin/customers/contact/")

    assert response.context["cl"].result_count == ROWS


def test_the_interaction_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    customer = CustomerFactory()
    contacts = ContactFactory.create_batch(3, customer=customer)
    for number in range(ROWS):
        InteractionFactory(customer=customer, contact=contacts[number % 3])

    with django_assert_max_num_queries(10):
        response = owner_client.get("/admin/customers/interaction/")

    assert response.context["cl"].result_count == ROWS


def test_the_follow_up_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    FollowUpFactory.create_batch(ROWS)

    with django_assert_max_num_queries(10):
        response = owner_client.get("/admin/customers/followup/")

    assert response.context["cl"].result_count == ROWS


def test_the_reschedule_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, owner, django_assert_max_num_queries
):
    now = timezone.now()
    for follow_up in FollowUpFactory.create_batch(ROWS):
        FollowUpReschedule.objects.create(
            follow_up=follow_up,
            old_due_at=now,
            new_due_at=now + timedelta(hours=1),
            reason="Customer asked",
            changed_by=owner,
        )

    with django_assert_max_num_queries(9):
        response = owner_client.get("/admin/customers/followupreschedule/")

    assert response.context["cl"].result_count == ROWS


def test_the_customer_page_shows_only_the_newest_interactions_in_few_queries(
    owner_client, django_assert_max_num_queries
):
    customer = CustomerFactory()
    ContactFactory.create_batch(5, customer=customer)
    now = timezone.now()
    for days in range(60):
        InteractionFactory(customer=customer, occurred_at=now - timedelta(days=days))
    # The content type is cached per process; whether an earlier test warmed it must not matter.
    ContentType.objects.get_for_model(Customer)

    with django_assert_max_num_queries(9):
        response = owner_client.get(f"/admin/customers/customer/{customer.pk}/change/")

    contacts, interactions = (
        inline.formset for inline in response.context["inline_admin_formsets"]
    )
    assert len(contacts.forms) == 5
    assert len(interactions.forms) == 20
    assert interactions.forms[0].instance.occurred_at == now


# --- Finding customers ---------------------------------------------------------------------------


def test_the_admin_finds_a_customer_by_a_differently_written_phone(owner_client):
    wanted = CustomerFactory(name="Ana's Bakery", phone="+1 202 555 0101")
    CustomerFactory(name="Old Mill", phone="+1 202 555 0199")

    response = owner_client.get("/admin/customers/customer/", {"q": "(202) 555-0101"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_customer_autocomplete_finds_names_without_accents(owner_client):
    wanted = CustomerFactory(name="Émile Zola")

    response = owner_client.get(
        "/admin/autocomplete/",
        {
            "term": "emile",
            "app_label": "customers",
            "model_name": "contact",
            "field_name": "customer",
        },
    )

    assert [result["id"] for result in response.json()["results"]] == [str(wanted.pk)]


def test_the_open_follow_ups_filter_keeps_customers_with_work_to_do(owner_client):
    busy = CustomerFactory()
    FollowUpFactory(customer=busy)
    FollowUpFactory(customer=CustomerFactory(), status="cancelled")

    response = owner_client.get("/admin/customers/customer/", {"open_follow_ups": "yes"})

    assert list(response.context["cl"].result_list) == [busy]


# --- Edits keep the optimistic lock --------------------------------------------------------------


def test_an_admin_save_moves_the_version_so_an_older_web_form_is_refused(owner_client, staff):
    # given a customer whose web edit form staff opened at version 1
    customer = CustomerFactory(name="Ana's Bakery")
    staff_client = Client()
    staff_client.force_login(staff)
    web_form = staff_client.get(f"/customers/{customer.pk}/edit/").context["form"]
    assert web_form.initial["version"] == 1

    # when an owner saves it in the admin
    response = owner_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, name="Ana's Bakery & Café"),
    )

    # then the version moved on and the staff member's save is refused, their input kept
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("Ana's Bakery & Café", 2)
    web_data = {**web_form.initial, "name": "Stale edit", "contact_days": []}
    web_data = {key: value for key, value in web_data.items() if value is not None}
    refused = staff_client.post(f"/customers/{customer.pk}/edit/", web_data)
    assert refused.status_code == 200
    customer.refresh_from_db()
    assert customer.name == "Ana's Bakery & Café"


def test_an_admin_form_opened_before_someone_else_saved_is_refused_keeping_the_input(
    owner_client, owner
):
    customer = CustomerFactory(name="Ana's Bakery")
    opened = owner_client.get(f"/admin/customers/customer/{customer.pk}/change/")
    assert opened.context["adminform"].form["expected_version"].value() == 1
    customer.name = "Saved elsewhere"
    services.update_customer(actor=owner, customer=customer, expected_version=1)

    response = owner_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, name="My edit", expected_version=1),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.has_error("__all__", code="stale")
    assert form["name"].value() == "My edit"
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("Saved elsewhere", 2)


def test_the_admin_refuses_a_phone_it_cannot_read_and_a_window_that_ends_before_it_starts(
    owner_client,
):
    customer = CustomerFactory()

    response = owner_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, phone="call me", contact_from="17:00", contact_until="09:00"),
    )

    form = response.context["adminform"].form
    assert form.has_error("phone", code="invalid_phone")
    assert form.has_error("contact_until", code="window_order")


def test_an_owner_adds_a_customer_in_the_admin_through_the_service(owner_client, owner):
    customer = Customer(name="Old Mill", status="active", phone="(202) 555-0101", kind="business")
    data = customer_form_data(customer, account_owner=owner.pk, contact_days=["0", "4"])
    del data["expected_version"]

    response = owner_client.post("/admin/customers/customer/add/", data)

    assert response.status_code == 302
    created = Customer.objects.get(name="Old Mill")
    # create_customer dates an active customer's start; Customer.save normalises the phone.
    assert created.became_customer_on == timezone.localdate()
    assert created.phone_normalised == "+12025550101"
    assert created.contact_days == "04"
    assert created.history.get().history_user == owner


# --- History -------------------------------------------------------------------------------------


def test_the_customer_history_page_lists_who_changed_what(owner_client, owner):
    customer = CustomerFactory(name="Ana's Bakery")
    owner_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, name="Ana's Bakery & Café"),
    )

    response = owner_client.get(f"/admin/customers/customer/{customer.pk}/history/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana&#x27;s Bakery &amp; Café" in html
    assert owner.username in html
    assert len(response.context["page_obj"]) == 2


def test_reverting_a_customer_from_its_history_moves_the_version_too(owner_client):
    customer = CustomerFactory(name="First name")
    first = customer.history.get()
    owner_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        customer_form_data(customer, name="Second name"),
    )
    revert_url = f"/admin/customers/customer/{customer.pk}/history/{first.history_id}/"
    form = owner_client.get(revert_url).context["adminform"].form
    assert form["expected_version"].value() == 2

    response = owner_client.post(
        revert_url, customer_form_data(customer, name="First name", expected_version=2)
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("First name", 3)


def test_the_follow_up_history_page_renders(owner_client):
    follow_up = FollowUpFactory(subject="Call about the order")

    response = owner_client.get(f"/admin/customers/followup/{follow_up.pk}/history/")

    assert response.status_code == 200
    assert "Call about the order" in response.content.decode()


def test_the_follow_up_page_names_what_caused_it(owner_client, owner):
    customer = CustomerFactory()
    _, callback = services.log_interaction(
        actor=owner, customer=customer, summary="Order late", needs_callback=True
    )

    response = owner_client.get(f"/admin/customers/followup/{callback.pk}/change/")

    assert "interaction: Order late" in response.content.decode()


# --- Who gets in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_people_other_than_owners_are_sent_away_from_the_admin(client, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/customers/customer/")

    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/customers/customer/"


def test_an_owner_reaches_every_customers_admin_list(owner_client):
    models = ["customer", "contact", "interaction", "followup", "followupreschedule", "digestlog"]
    for model in models:
        assert owner_client.get(f"/admin/customers/{model}/").status_code == 200, model


@pytest.mark.parametrize("model", ["followupreschedule", "digestlog"])
def test_records_written_by_tend_itself_cannot_be_added_in_the_admin(owner_client, model):
    assert owner_client.get(f"/admin/customers/{model}/add/").status_code == 403


# --- Content Security Policy per page ------------------------------------------------------------


@pytest.fixture
def pages(owner_client):
    customer = CustomerFactory()
    follow_up = FollowUpFactory(customer=customer)
    version = customer.history.get().history_id
    return {
        "changelist": "/admin/customers/customer/",
        "change form": f"/admin/customers/customer/{customer.pk}/change/",
        "follow-up change form": f"/admin/customers/followup/{follow_up.pk}/change/",
        "import": "/admin/customers/customer/import/",
        "export": "/admin/customers/customer/export/",
        "history": f"/admin/customers/customer/{customer.pk}/history/",
        "revert form": f"/admin/customers/customer/{customer.pk}/history/{version}/",
        "contact import": "/admin/customers/contact/import/",
    }


def test_admin_pages_that_need_inline_code_get_a_report_only_policy_and_the_rest_enforced(
    owner_client, pages
):
    report_only = {"import", "export", "history", "revert form", "contact import"}

    headers = {name: owner_client.get(path).headers for name, path in pages.items()}

    for name, page_headers in headers.items():
        if name in report_only:
            assert CSP.HEADER_ENFORCE not in page_headers, name
            assert "script-src 'self' 'nonce-" in page_headers[CSP.HEADER_REPORT_ONLY], name
        else:
            assert "style-src 'self';" in page_headers[CSP.HEADER_ENFORCE], name
            assert CSP.HEADER_REPORT_ONLY not in page_headers, name


def test_the_import_preview_posted_to_the_import_page_is_report_only_too(owner_client):
    response = owner_client.post(
        "/admin/customers/customer/import/", {"format": "0", "resource": "0"}
    )

    assert CSP.HEADER_ENFORCE not in response.headers
    assert CSP.HEADER_REPORT_ONLY in response.headers


def test_tend_pages_keep_the_enforced_policy(client, staff):
    client.force_login(staff)

    response = client.get("/customers/")

    assert CSP.HEADER_ENFORCE in response.headers
    assert CSP.HEADER_REPORT_ONLY not in response.headers


def test_the_users_admin_is_unaffected_by_the_exceptions(owner_client):
    response = owner_client.get("/admin/auth/user/")

    assert CSP.HEADER_ENFORCE in response.headers


def test_an_unknown_page_keeps_the_enforced_policy(owner_client):
    response = owner_client.get("/admin/customers/customer/import-something/")

    assert CSP.HEADER_ENFORCE in response.headers
