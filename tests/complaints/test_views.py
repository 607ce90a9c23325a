from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from complaints.models import Category, Complaint, ComplaintHandoff, Remedy
from complaints.views import PAGE_SIZE
from customers import services as customer_services
from customers.models import Customer
from tests.factories import (
    ComplaintFactory,
    ComplaintUpdateFactory,
    CustomerFactory,
    RemedyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


def log_data(**overrides):
    data = {
        "channel": "in_person",
        "customer_words": "The grinder arrived with a cracked hopper.",
        "what_we_heard": "They need a working grinder before Saturday's market.",
        "heard_confirmed": "on",
        "severity": "high",
        "asked_remedy_kind": "replacement",
        "asked_amount": "180",
        "asked_words": "A new hopper, sent this week",
    }
    data.update(overrides)
    return data


def action(client, complaint, name, version=None, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    data["version"] = complaint.version if version is None else version
    return client.post(f"/complaints/{complaint.pk}/do/{name}/", data)


# --- Logging ------------------------------------------------------------------------------------


def test_logging_finds_the_customer_by_phone_and_makes_the_logger_owner(staff_client, staff):
    customer = CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    response = staff_client.post("/complaints/new/", log_data(customer_query="(202) 555-0199"))
    complaint = Complaint.objects.get()
    assert response.url == f"/complaints/{complaint.pk}/"
    assert (complaint.customer, complaint.owner, complaint.logged_by) == (customer, staff, staff)
    assert complaint.reference == f"C-{complaint.pk:06d}"
    assert complaint.heard_confirmed
    assert complaint.asked_amount == Decimal("180")


def test_logging_does_not_offer_an_archived_duplicate(staff_client, supervisor):
    customer = CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    duplicate = CustomerFactory(name="Harbour Bakery", phone="+1 202 555 0199")
    customer_services.archive_customer(actor=supervisor, customer=duplicate, reason="Twice")

    staff_client.post("/complaints/new/", log_data(customer_query="(202) 555-0199"))

    assert Complaint.objects.get().customer == customer


def test_logging_from_the_customers_page_has_the_customer_filled_in(staff_client):
    customer = CustomerFactory(name="Harbour Bakery")
    page = staff_client.get(f"/customers/{customer.pk}/")
    assert f"/complaints/new/?customer={customer.pk}".encode() in page.content
    form = staff_client.get(f"/complaints/new/?customer={customer.pk}")
    assert f'name="customer" value="{customer.pk}"'.encode() in form.content
    staff_client.post("/complaints/new/", log_data(customer=customer.pk))
    assert Complaint.objects.get().customer == customer


def test_logging_can_create_a_minimal_new_customer_in_the_same_form(staff_client, staff):
    staff_client.post(
        "/complaints/new/",
        log_data(new_customer_name="Walk-in Wanda", new_customer_phone="202 555 0123"),
    )
    complaint = Complaint.objects.select_related("customer").get()
    assert complaint.customer.name == "Walk-in Wanda"
    assert complaint.customer.phone_normalised == "+12025550123"


def test_several_matches_ask_which_customer_and_keep_the_input(staff_client):
    CustomerFactory(name="Harbour Bakery")
    CustomerFactory(name="Harbour Books")
    response = staff_client.post("/complaints/new/", log_data(customer_query="harbour"))
    assert response.status_code == 200
    assert len(response.context["form"].matches) == 2
    assert b"The grinder arrived with a cracked hopper." in response.content
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"asked_amount": "-5"}, "asked_amount", "min_value"),
        ({"asked_amount": "12.345"}, "asked_amount", "max_decimal_places"),
        ({"asked_amount": "5000000"}, "asked_amount", "max_value"),
        ({"asked_amount": ""}, "asked_amount", "amount_required"),
        ({"asked_remedy_kind": "apology"}, "asked_amount", "apology_has_no_amount"),
        ({"asked_amount": "NaN"}, "asked_amount", "invalid"),
        ({"asked_amount": "Infinity"}, "asked_amount", "invalid"),
        ({"needs_by": "2020-01-01T09:00"}, "needs_by", "needs_by_past"),
        ({"category": "999999"}, "category", "invalid_choice"),
        ({"customer_words": ""}, "customer_words", "required"),
        ({"customer_query": "nobody-like-this"}, "customer_query", "no_match"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_lost(
    staff_client, overrides, field, code
):
    CustomerFactory(name="Harbour Bakery")
    data = log_data(**{"customer_query": "Harbour Bakery", **overrides})
    response = staff_client.post("/complaints/new/", data)
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert b"A new hopper, sent this week" in response.content
    assert not Complaint.objects.exists()


def test_the_phone_form_has_a_label_for_every_field_and_no_script(staff_client):
    response = staff_client.get("/complaints/new/")
    content = response.content.decode()
    assert "<script" not in content
    for name in ["customer_query", "customer_words", "what_we_heard", "needs_by", "asked_amount"]:
        assert f'for="id_{name}"' in content


# --- The list ------------------------------------------------------------------------------------


def test_the_list_puts_the_nearest_deadline_first(staff_client, staff):
    later = ComplaintFactory(owner=staff)
    sooner = ComplaintFactory(owner=staff)
    Complaint.objects.filter(pk=sooner.pk).update(first_response_due=later.first_response_due)
    Complaint.objects.filter(pk=later.pk).update(
        first_response_due=later.first_response_due.replace(year=2027)
    )
    response = staff_client.get("/complaints/")
    assert list(response.context["page"])[:2] == [sooner, later]


def test_the_list_filters_breaching_and_repeat(staff_client, time_machine):
    late = ComplaintFactory()
    ComplaintFactory()
    repeat = ComplaintFactory(is_repeat=True)
    Complaint.objects.filter(pk=late.pk).update(first_response_due="2026-11-23 09:00:00+00:00")
    breaching = staff_client.get("/complaints/", {"breaching": "true"})
    assert list(breaching.context["page"]) == [late]
    repeats = staff_client.get("/complaints/", {"is_repeat": "true"})
    assert list(repeats.context["page"]) == [repeat]


def test_a_parent_category_finds_complaints_in_its_children(staff_client):
    delivery = Category.objects.get(name="Delivery", parent=None)
    late = delivery.children.first()
    filed = ComplaintFactory(category=late)
    ComplaintFactory()
    response = staff_client.get("/complaints/", {"category": delivery.pk})
    assert list(response.context["page"]) == [filed]


@pytest.mark.parametrize("order", ["severity", "-severity", "received", "-deadline"])
def test_every_order_of_the_list_runs_a_constant_number_of_queries(
    staff_client, order, django_assert_max_num_queries
):
    ComplaintFactory.create_batch(30, severity=factory.Iterator(["low", "critical", "high"]))
    with django_assert_max_num_queries(9):
        response = staff_client.get("/complaints/", {"order": order})
    assert len(response.context["page"]) == PAGE_SIZE


def test_sorting_by_severity_puts_the_most_severe_first_page_after_page(staff_client):
    ComplaintFactory.create_batch(
        PAGE_SIZE + 5, severity=factory.Iterator(["low", "normal", "critical", "high"])
    )
    ranks = {"critical": 1, "high": 2, "normal": 3, "low": 4}

    first = staff_client.get("/complaints/", {"order": "severity"}).context["page"]
    after = staff_client.get("/complaints/" + first.next_url).context["page"]
    least_first = staff_client.get("/complaints/", {"order": "-severity"}).context["page"]

    shown = [complaint.severity for complaint in [*first, *after]]
    assert len(shown) == PAGE_SIZE + 5
    assert shown == sorted(shown, key=ranks.get)
    assert [complaint.severity for complaint in least_first][:2] == ["low", "low"]


def test_the_list_runs_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(10)
    owners = UserFactory.create_batch(4)
    categories = list(Category.objects.filter(parent__isnull=False)[:5])
    ComplaintFactory.create_batch(
        200,
        customer=factory.Iterator(customers),
        logged_by=factory.Iterator(owners),
        category=factory.Iterator(categories),
    )
    with django_assert_max_num_queries(9):
        response = staff_client.get("/complaints/")
    assert len(response.context["page"]) == PAGE_SIZE


# --- The complaint page ------------------------------------------------------------------------


def test_the_page_shows_the_four_times_and_the_next_deadline(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    response = staff_client.get(f"/complaints/{complaint.pk}/")
    labels = [label for label, _moment in response.context["four_times"]]
    assert labels == ["Needs it by", "Expects it by", "Promised by", "Satisfied at"]
    assert response.context["deadlines"][0][0] == "First response"
    assert b"First response: " in response.content


def test_the_page_with_100_updates_runs_a_constant_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    complaint = ComplaintFactory(owner=staff)
    authors = UserFactory.create_batch(4)
    ComplaintUpdateFactory.create_batch(100, complaint=complaint, author=factory.Iterator(authors))
    RemedyFactory.create_batch(5, complaint=complaint, proposed_by=factory.Iterator(authors))
    with django_assert_max_num_queries(14):
        response = staff_client.get(f"/complaints/{complaint.pk}/")
    assert len(response.context["updates"]) == 100


def test_only_actions_legal_in_the_status_are_offered(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    actions = staff_client.get(f"/complaints/{complaint.pk}/").context["action_forms"]
    assert "acknowledge" in actions
    assert "resolve" not in actions
    assert "close" not in actions


def test_an_illegal_step_is_refused_with_a_message_not_a_500(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    response = action(staff_client, complaint, "close", root_cause="", corrective_note="x")
    assert response.status_code == 400
    assert b"cannot be closed" in response.content
    complaint.refresh_from_db()
    assert complaint.status == "new"


def test_an_unknown_action_is_404(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    assert staff_client.post(f"/complaints/{complaint.pk}/do/explode/").status_code == 404


def test_acting_on_a_stale_page_is_refused_and_the_input_kept(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    response = action(
        staff_client, complaint, "customer_update", version=0, channel="phone", text="Photo sent"
    )
    assert response.status_code == 400
    assert b"Someone changed this complaint" in response.content
    assert b"Photo sent" in response.content
    complaint.refresh_from_db()
    assert complaint.status == "new"


def test_someone_elses_complaint_cannot_be_moved_by_a_forged_post(staff_client, other_staff):
    complaint = ComplaintFactory(owner=other_staff)
    response = action(staff_client, complaint, "acknowledge", note="")
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "new"


def test_checking_authority_before_proposing_saves_nothing(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    response = staff_client.post(
        f"/complaints/{complaint.pk}/do/remedy/",
        {"remedy-kind": "refund", "remedy-amount": "120", "preview": "1"},
    )
    assert response.status_code == 200
    assert b"Above your authority" in response.content
    assert not Remedy.objects.exists()


def test_a_money_remedy_without_an_amount_is_refused(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    response = action(staff_client, complaint, "remedy", kind="refund", amount="", description="x")
    assert response.context["action_forms"]["remedy"].has_error("amount", "amount_required")
    assert not Remedy.objects.exists()


def test_a_forged_apology_with_an_amount_is_refused_with_a_field_error(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)

    response = action(staff_client, complaint, "remedy", kind="apology", amount="5000")

    assert response.status_code == 400
    form = response.context["action_forms"]["remedy"]
    assert form.has_error("amount", "apology_has_no_amount")
    assert not Remedy.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e20", "-1", "0", "1.001"])
def test_a_forged_amount_that_is_no_figure_is_refused_not_a_500(staff_client, staff, amount):
    complaint = ComplaintFactory(owner=staff)

    response = action(staff_client, complaint, "remedy", kind="other", amount=amount)

    assert response.status_code == 400
    assert response.context["action_forms"]["remedy"].has_error("amount")
    assert not Remedy.objects.exists()


def test_a_forged_other_of_99999_by_front_line_staff_waits_for_approval(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    preview = staff_client.post(
        f"/complaints/{complaint.pk}/do/remedy/",
        {"remedy-kind": "other", "remedy-amount": "99999", "preview": "1"},
    )
    assert b"Above your authority" in preview.content

    response = action(staff_client, complaint, "remedy", kind="other", amount="99999")

    assert response.status_code == 302
    remedy = Remedy.objects.get()
    complaint.refresh_from_db()
    assert (remedy.kind, remedy.amount) == ("other", Decimal(99999))
    assert (remedy.decision, remedy.auto_approved) == ("proposed", False)
    assert complaint.status == "awaiting_approval"
    followed = staff_client.get(response["Location"])
    assert b"above your authority" in followed.content


def test_an_other_without_an_amount_is_approved_on_the_spot(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)

    action(staff_client, complaint, "remedy", kind="other", amount="", description="Flowers")

    remedy = Remedy.objects.get()
    assert (remedy.kind, remedy.amount, remedy.auto_approved) == ("other", None, True)


def test_refund_above_authority_goes_to_a_supervisor_who_approves_it(client, staff, supervisor):
    complaint = ComplaintFactory(owner=staff)
    client.force_login(staff)
    action(client, complaint, "remedy", kind="refund", amount="120", description="Full refund")
    complaint.refresh_from_db()
    assert complaint.status == "awaiting_approval"
    remedy = Remedy.objects.get()
    # the supervisor sees it on My day and decides
    client.force_login(supervisor)
    my_day = client.get("/")
    approvals = next(s for s in my_day.context["sections"] if s.key == "approvals")
    assert approvals.items == [remedy]
    client.post(
        f"/complaints/remedies/{remedy.pk}/decide/",
        {f"decide-{remedy.pk}-approve": "yes", f"decide-{remedy.pk}-note": "Fine"},
    )
    remedy.refresh_from_db()
    complaint.refresh_from_db()
    assert (remedy.decision, remedy.decided_by) == ("approved", supervisor)
    assert complaint.status == "investigating"


def test_a_forged_approval_by_the_proposer_is_refused(staff_client, staff):
    complaint = ComplaintFactory(owner=staff, status="awaiting_approval")
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, amount=Decimal("20"))
    response = staff_client.post(
        f"/complaints/remedies/{remedy.pk}/decide/", {f"decide-{remedy.pk}-approve": "yes"}
    )
    assert response.status_code == 403
    remedy.refresh_from_db()
    assert remedy.decision == "proposed"


def test_a_forged_approval_above_the_approvers_authority_is_refused(
    staff_client, other_staff, staff
):
    complaint = ComplaintFactory(owner=other_staff, status="awaiting_approval")
    remedy = RemedyFactory(complaint=complaint, proposed_by=other_staff, amount=Decimal("300"))
    response = staff_client.post(
        f"/complaints/remedies/{remedy.pk}/decide/", {f"decide-{remedy.pk}-approve": "yes"}
    )
    assert response.status_code == 403
    remedy.refresh_from_db()
    assert remedy.decision == "proposed"


def test_only_the_addressee_may_accept_a_handoff(staff_client, other_staff, supervisor):
    complaint = ComplaintFactory(owner=other_staff)
    handoff = ComplaintHandoff.objects.create(
        complaint=complaint, from_user=other_staff, to_user=supervisor, note="Over to you"
    )
    response = staff_client.post(f"/complaints/handoffs/{handoff.pk}/accept/")
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.owner == other_staff


def test_the_customer_timeline_and_health_show_complaints(staff_client):
    complaint = ComplaintFactory(customer_words="Stale beans in the last bag")
    response = staff_client.get(f"/customers/{complaint.customer_id}/")
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert "complaint" in kinds
    facts = {fact.label: fact.value for fact in response.context["health"]}
    assert facts["Open complaints"] == 1


def test_customers_with_open_complaints_count_as_having_open_work(staff_client):
    complaint = ComplaintFactory()
    CustomerFactory(name="Quiet")
    response = staff_client.get("/customers/", {"open_work": "true"})
    assert list(response.context["page"]) == [Customer.objects.get(pk=complaint.customer_id)]


def test_finished_and_paused_complaints_have_no_deadline_ahead_and_come_last(staff_client):
    active = ComplaintFactory()
    closed = ComplaintFactory(status="closed")
    paused = ComplaintFactory(status="waiting_on_customer", paused_at=timezone.now())
    Complaint.objects.filter(pk__in=[closed.pk, paused.pk]).update(
        first_response_due="2026-11-20 09:00:00+00:00"
    )
    page = list(staff_client.get("/complaints/").context["page"])
    assert page[0] == active
    assert {page[1].deadline_ahead, page[2].deadline_ahead} == {None}


# --- Closed work ---------------------------------------------------------------------------------


def closed(owner) -> Complaint:
    now = timezone.now()
    return ComplaintFactory(
        owner=owner, status="closed", acknowledged_at=now, resolved_at=now, closed_at=now
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_resolved_complaint_may_be_handed_over_but_a_closed_one_not(staff_client, staff):
    resolved = ComplaintFactory(owner=staff, status="resolved", resolved_at=timezone.now())

    assert "handoff" in staff_client.get(f"/complaints/{resolved.pk}/").context["action_forms"]
    assert (
        "handoff"
        not in staff_client.get(f"/complaints/{closed(staff).pk}/").context["action_forms"]
    )


def test_a_forged_handoff_of_a_closed_complaint_is_refused_with_a_message(
    staff_client, staff, other_staff
):
    complaint = closed(staff)

    response = action(staff_client, complaint, "handoff", to_user=other_staff.pk, note="Yours.")

    assert response.status_code == 400
    assert b"nothing left to take over" in response.content
    assert not ComplaintHandoff.objects.exists()


def test_accepting_an_offer_of_a_closed_complaint_is_refused_with_a_message(
    client, staff, other_staff
):
    complaint = closed(staff)
    handoff = ComplaintHandoff.objects.create(
        complaint=complaint, from_user=staff, to_user=other_staff, note="Over to you"
    )
    client.force_login(other_staff)

    response = client.post(f"/complaints/handoffs/{handoff.pk}/accept/", follow=True)

    assert response.status_code == 200
    assert any("nothing left to take over" in message for message in messages_of(response))
    complaint.refresh_from_db()
    assert complaint.owner == staff


def test_deciding_a_remedy_left_waiting_on_a_closed_complaint_is_refused_with_a_message(
    client, staff, supervisor
):
    complaint = closed(staff)
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, amount=Decimal("80"))
    client.force_login(supervisor)

    response = client.post(
        f"/complaints/remedies/{remedy.pk}/decide/",
        {f"decide-{remedy.pk}-approve": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert any("cannot be decided on" in message for message in messages_of(response))
    remedy.refresh_from_db()
    assert remedy.decision == "proposed"


def test_delivering_a_remedy_on_a_closed_complaint_is_refused_with_a_message(staff_client, staff):
    complaint = closed(staff)
    remedy = RemedyFactory(complaint=complaint, proposed_by=staff, decision="approved")

    response = staff_client.post(f"/complaints/remedies/{remedy.pk}/deliver/", follow=True)

    assert response.status_code == 200
    assert any("cannot be given its remedy" in message for message in messages_of(response))
    remedy.refresh_from_db()
    assert remedy.decision == "approved"


def test_the_list_pages_through_every_complaint_once_even_among_those_without_deadline(
    staff_client,
):
    # Closed complaints all share "no deadline ahead": the id orders them.
    ComplaintFactory.create_batch(60, status="closed")
    ComplaintFactory.create_batch(15)
    expected = list(Complaint.objects.nearest_deadline_first())
    seen, url = [], "/complaints/"
    while url:
        page = staff_client.get(url).context["page"]
        seen.extend(page)
        url = f"/complaints/{page.next_url}" if page.has_next else ""
    assert seen == expected
    assert [c.deadline_ahead is None for c in seen] == [False] * 15 + [True] * 60
