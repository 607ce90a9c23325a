import pytest
from django.urls import reverse

from customers.models import Customer, FollowUp, Interaction
from customers.views import PAGE_SIZE
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    InteractionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def customer_data(**overrides):
    data = {
        "name": "Zoë Müller",
        "kind": "individual",
        "status": "prospect",
        "phone": "(202) 555-0142",
        "email": "zoe@example.com",
        "preferred_channel": "email",
        "keep_in_touch_days": "90",
    }
    data.update(overrides)
    return data


# --- List and search ---------------------------------------------------------------------------


def test_list_finds_a_customer_by_a_differently_written_phone(staff_client):
    CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    CustomerFactory(name="Other Shop", phone="+1 202 555 0100")
    response = staff_client.get("/customers/", {"q": "202.555.0199"})
    names = [customer.name for customer in response.context["page"]]
    assert names == ["Harbour Bakery"]


def test_list_search_ignores_case_and_accents(staff_client):
    CustomerFactory(name="Zoë Müller")
    response = staff_client.get("/customers/", {"q": "zoe muller"})
    assert [c.name for c in response.context["page"]] == ["Zoë Müller"]


def test_list_filters_by_status_and_open_work(staff_client):
    busy = CustomerFactory(name="Busy", status="active")
    CustomerFactory(name="Quiet", status="active")
    CustomerFactory(name="Prospect", status="prospect")
    FollowUpFactory(customer=busy)
    response = staff_client.get("/customers/", {"status": "active", "open_work": "true"})
    assert [c.name for c in response.context["page"]] == ["Busy"]


def test_list_sorts_by_the_chosen_field(staff_client):
    CustomerFactory(name="Beta", status="prospect")
    CustomerFactory(name="Alpha", status="active")
    response = staff_client.get("/customers/", {"order": "-name"})
    assert [c.name for c in response.context["page"]] == ["Beta", "Alpha"]


def test_list_runs_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    owners = UserFactory.create_batch(5)
    CustomerFactory.create_batch(200, account_owner=factory_cycle(owners))
    with django_assert_max_num_queries(8):
        response = staff_client.get("/customers/", {"open_work": "false"})
    assert len(response.context["page"]) == PAGE_SIZE


def factory_cycle(items):
    import factory

    return factory.Iterator(items)


def test_people_without_a_role_may_not_list_customers(client):
    client.force_login(UserFactory())
    assert client.get("/customers/").status_code == 403


# --- Create --------------------------------------------------------------------------------------


def test_creating_a_customer_saves_it_with_normalised_lookups(staff_client, staff):
    response = staff_client.post("/customers/new/", customer_data())
    customer = Customer.objects.get()
    assert response.url == reverse("customers:detail", args=[customer.pk])
    assert customer.phone_normalised == "+12025550142"
    assert customer.search_name == "zoe muller"


def test_creating_warns_about_a_likely_duplicate_and_keeps_the_input(staff_client):
    existing = CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0142")
    response = staff_client.post(
        "/customers/new/", customer_data(name="Harbor Bakery Ltd", phone="202-555-0142")
    )
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert existing.get_absolute_url().encode() in response.content
    assert b'value="Harbor Bakery Ltd"' in response.content
    assert Customer.objects.count() == 1


def test_creating_anyway_after_the_warning_saves_a_new_customer(staff_client):
    CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0142")
    data = customer_data(name="Harbour Bakery", phone="202-555-0142", confirmed_new="1")
    response = staff_client.post("/customers/new/", data)
    assert response.status_code == 302
    assert Customer.objects.filter(name="Harbour Bakery").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "code_text"),
    [
        ("email", "not-an-email", b"Enter a valid email address."),
        ("phone", "call me maybe", b"Enter a phone number we can call"),
        ("name", "x" * 201, b"Ensure this value has at most 200 characters"),
        ("keep_in_touch_days", "-3", b"greater than or equal to"),
    ],
)
def test_bad_input_gets_a_message_and_loses_nothing(staff_client, field, value, code_text):
    data = customer_data(**{field: value}, goals="Open a second shop")
    response = staff_client.post("/customers/new/", data)
    assert response.status_code == 200
    assert code_text in response.content
    assert b"Open a second shop" in response.content
    assert not Customer.objects.exists()


def test_a_contact_window_that_ends_before_it_starts_is_refused(staff_client):
    data = customer_data(contact_from="17:00", contact_until="09:00")
    response = staff_client.post("/customers/new/", data)
    assert response.context["form"].has_error("contact_until", "window_order")
    assert not Customer.objects.exists()


def test_a_lost_customer_needs_a_reason(staff_client):
    response = staff_client.post("/customers/new/", customer_data(status="former"))
    assert response.context["form"].has_error("lost_reason", "lost_reason_required")


def test_referred_by_is_found_by_name(staff_client):
    referrer = CustomerFactory(name="Corner Café")
    staff_client.post("/customers/new/", customer_data(referred_by_name="corner cafe"))
    assert Customer.objects.get(name="Zoë Müller").referred_by == referrer


# --- Edit: no lost updates --------------------------------------------------------------------


def test_editing_saves_and_bumps_the_version(staff_client):
    customer = CustomerFactory(name="Old Name")
    data = customer_data(name="New Name", version=customer.version)
    response = staff_client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("New Name", 2)


def test_a_save_based_on_a_stale_copy_is_refused_and_the_input_kept(staff_client):
    # given: someone else saved the customer after this person opened the form
    customer = CustomerFactory(name="Original", goals="")
    opened_version = customer.version
    Customer.objects.filter(pk=customer.pk).update(name="Their Change", version=2)
    # when
    data = customer_data(name="My Change", goals="Grow", version=opened_version)
    response = staff_client.post(f"/customers/{customer.pk}/edit/", data)
    # then
    assert response.status_code == 200
    assert b"Someone else saved this customer" in response.content
    assert b'value="My Change"' in response.content
    customer.refresh_from_db()
    assert customer.name == "Their Change"


def test_saving_again_after_the_warning_overwrites_deliberately(staff_client):
    customer = CustomerFactory(name="Original")
    Customer.objects.filter(pk=customer.pk).update(name="Their Change", version=2)
    data = customer_data(name="My Change", version=1)
    response = staff_client.post(f"/customers/{customer.pk}/edit/", data)
    resubmitted = dict(data, version=response.context["form"].data["version"])
    staff_client.post(f"/customers/{customer.pk}/edit/", resubmitted)
    customer.refresh_from_db()
    assert customer.name == "My Change"


# --- Detail and timeline --------------------------------------------------------------------


def test_detail_shows_preferences_people_health_and_one_timeline(staff_client):
    customer = CustomerFactory(
        interests="roses, orchids", contact_days="04", preferred_channel="sms"
    )
    ContactFactory(customer=customer, name="Priya Shah", is_primary=True)
    InteractionFactory(customer=customer, summary="Asked about orchids", is_positive=True)
    FollowUpFactory(customer=customer, subject="Send the catalogue")
    response = staff_client.get(f"/customers/{customer.pk}/")
    content = response.content.decode()
    for text in ["Priya Shah", "orchids", "Mon, Fri", "SMS", "Asked about orchids"]:
        assert text in content
    assert "Send the catalogue" in content
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert sorted(set(kinds)) == ["follow_up", "interaction"]
    labels = [fact.label for fact in response.context["health"]]
    assert "Overdue commitments" in labels


def test_detail_runs_a_constant_number_of_queries_with_300_timeline_entries(
    staff_client, django_assert_max_num_queries
):
    customer = CustomerFactory()
    staff = UserFactory.create_batch(3)
    contacts = ContactFactory.create_batch(3, customer=customer)
    InteractionFactory.create_batch(
        200, customer=customer, staff=factory_cycle(staff), contact=factory_cycle(contacts)
    )
    FollowUpFactory.create_batch(100, customer=customer, owner=factory_cycle(staff))
    # session, user, customer, contacts, permissions, actions (1), health (3), and the timeline
    # providers: interactions, follow-ups (+ their sources), messages to the customer,
    # complaints, onboardings and steps.
    with django_assert_max_num_queries(17):
        response = staff_client.get(f"/customers/{customer.pk}/")
    assert len(response.context["timeline"]) == 300


def test_detail_of_a_missing_customer_is_404(staff_client):
    assert staff_client.get("/customers/999999/").status_code == 404


# --- Logging a call -----------------------------------------------------------------------------


def test_logging_a_call_that_needs_a_callback_commits_the_caller(staff_client, staff):
    customer = CustomerFactory()
    response = staff_client.post(
        f"/customers/{customer.pk}/log/",
        {
            "channel": "phone",
            "direction": "inbound",
            "summary": "Wants a delivery date",
            "what_we_heard": "Needs the order before Friday's opening",
            "needs_callback": "on",
        },
        follow=True,
    )
    interaction = Interaction.objects.get()
    callback = FollowUp.objects.get()
    assert interaction.what_we_heard == "Needs the order before Friday's opening"
    assert (callback.owner, callback.kind, callback.promised_to_customer) == (
        staff,
        "callback",
        True,
    )
    message = str(next(iter(response.context["messages"])))
    assert "Promise the call back by" in message


def test_the_log_form_tells_the_time_that_may_be_promised(staff_client):
    customer = CustomerFactory()
    response = staff_client.get(f"/customers/{customer.pk}/log/")
    assert b"you may promise it by" in response.content


def test_logging_without_a_summary_is_refused_with_a_message(staff_client):
    customer = CustomerFactory()
    response = staff_client.post(
        f"/customers/{customer.pk}/log/", {"channel": "phone", "what_we_heard": "Keep me"}
    )
    assert response.context["form"].has_error("summary", "required")
    assert b"Keep me" in response.content
    assert not Interaction.objects.exists()


# --- New follow-up -------------------------------------------------------------------------------


def test_a_new_promise_due_in_the_past_is_refused(staff_client, staff):
    customer = CustomerFactory()
    response = staff_client.post(
        f"/customers/{customer.pk}/followups/new/",
        {
            "kind": "promise",
            "subject": "Send a quote",
            "due_at": "2020-01-01T10:00",
            "owner": staff.pk,
        },
    )
    assert response.context["form"].has_error("due_at", "due_in_past")
    assert b"Send a quote" in response.content
    assert not FollowUp.objects.exists()


def test_a_new_promise_is_saved_for_the_chosen_owner(staff_client, other_staff):
    customer = CustomerFactory()
    staff_client.post(
        f"/customers/{customer.pk}/followups/new/",
        {
            "kind": "promise",
            "subject": "Send a quote",
            "due_at": "2099-01-01T10:00",
            "owner": other_staff.pk,
            "promised_to_customer": "on",
        },
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.promised_to_customer) == (other_staff, True)


def test_the_list_pages_through_every_customer_once_keeping_the_filters(staff_client):
    # given: 120 active customers under three names (ties broken by id) and some prospects
    owner = UserFactory()
    Customer.objects.bulk_create(
        Customer(name=name, status="active", account_owner=owner)
        for name in ["Bo", "Al", "Cy"] * 40
    )
    CustomerFactory.create_batch(3, status="prospect")
    expected = list(Customer.objects.filter(status="active").order_by("name", "pk"))
    # when: following "Next" from the first page to the last
    seen, url = [], "/customers/?status=active"
    while url:
        page = staff_client.get(url).context["page"]
        seen.extend(page)
        url = f"/customers/{page.next_url}" if page.has_next else ""
    # then
    assert seen == expected
    back_to_first = staff_client.get(f"/customers/{page.first_url}").context["page"]
    assert list(back_to_first) == expected[:PAGE_SIZE]


def test_a_deep_page_runs_as_many_queries_as_the_first(
    staff_client, django_assert_max_num_queries
):
    owner = UserFactory()
    Customer.objects.bulk_create(
        Customer(name=f"Customer {number:03d}", account_owner=owner) for number in range(160)
    )
    first = staff_client.get("/customers/").context["page"]
    with django_assert_max_num_queries(8):
        deep = staff_client.get(f"/customers/{first.last_url}").context["page"]
    assert [c.name for c in deep][-1] == "Customer 159"


def test_a_search_that_finds_more_than_a_thousand_says_so_without_counting_them_all(
    staff_client,
):
    owner = UserFactory()
    Customer.objects.bulk_create(
        Customer(name=f"Smith {number}", search_name=f"smith {number}", account_owner=owner)
        for number in range(1005)
    )
    response = staff_client.get("/customers/", {"q": "smith"})
    assert response.context["page"].count_display == "1,000+"
    assert b"1,000+ customers" in response.content
