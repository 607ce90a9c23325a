from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from onboarding import services
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep
from onboarding.views import PAGE_SIZE
from tests.factories import CustomerFactory, HandoffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


@pytest.fixture
def sales():
    return Group.objects.get(name="Sales")


@pytest.fixture
def support():
    return Group.objects.get(name="Support")


@pytest.fixture
def template():
    return ChecklistTemplate.objects.get(name="New customer")


@pytest.fixture
def seller(staff, sales):
    staff.groups.add(sales)
    return staff


@pytest.fixture
def supporter(other_staff, support):
    other_staff.groups.add(support)
    return other_staff


def start(actor, customer, template, **kwargs):
    return services.start_onboarding(
        actor=actor, customer=customer, template=template, owner=actor, **kwargs
    )


def step_named(onboarding, text):
    return onboarding.steps.get(title__icontains=text)


def test_starting_from_the_customers_page_copies_the_steps(staff_client, seller, template):
    customer = CustomerFactory(status="prospect")
    page = staff_client.get(f"/customers/{customer.pk}/")
    assert f"/onboarding/start/{customer.pk}/".encode() in page.content
    form = staff_client.get(f"/onboarding/start/{customer.pk}/").context["form"]
    data = {"template": template.pk, "owner": seller.pk}
    data.update({name: "" for name in form.fields if name.startswith("assignee_")})
    response = staff_client.post(f"/onboarding/start/{customer.pk}/", data)
    onboarding = Onboarding.objects.get()
    assert response.url == f"/onboarding/{onboarding.pk}/"
    assert onboarding.steps.count() == template.steps.count()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ONBOARDING


def test_starting_twice_for_one_customer_is_refused_with_a_message(staff_client, seller, template):
    customer = CustomerFactory(status="prospect")
    start(seller, customer, template)
    response = staff_client.post(
        f"/onboarding/start/{customer.pk}/", {"template": template.pk, "owner": seller.pk}
    )
    assert response.status_code == 200
    assert b"is being onboarded already" in response.content
    assert Onboarding.objects.count() == 1


def test_the_preferences_step_needs_the_preferences_and_keeps_the_input(
    staff_client, seller, template
):
    customer = CustomerFactory(status="prospect", interests="")
    onboarding = start(seller, customer, template)
    step = onboarding.steps.get(captures_preferences=True)
    prefix = f"step-{step.pk}"
    response = staff_client.post(
        f"/onboarding/steps/{step.pk}/complete/",
        {f"{prefix}-note": "Lovely call", f"{prefix}-preferred_channel": "email"},
    )
    assert response.status_code == 400
    assert b"Lovely call" in response.content
    step.refresh_from_db()
    assert not step.is_done


def test_the_preferences_step_saves_them_on_the_customer(staff_client, seller, template):
    customer = CustomerFactory(status="prospect")
    onboarding = start(seller, customer, template)
    step = onboarding.steps.get(captures_preferences=True)
    prefix = f"step-{step.pk}"
    staff_client.post(
        f"/onboarding/steps/{step.pk}/complete/",
        {
            f"{prefix}-preferred_channel": "sms",
            f"{prefix}-contact_days": ["1", "3"],
            f"{prefix}-contact_from": "10:00",
            f"{prefix}-contact_until": "12:30",
            f"{prefix}-interests": "espresso, decaf",
        },
    )
    customer.refresh_from_db()
    assert (customer.preferred_channel, customer.contact_days) == ("sms", "13")
    assert customer.interest_list == ["espresso", "decaf"]


def test_someone_elses_step_cannot_be_completed_by_a_forged_post(
    client, seller, template, other_staff
):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.first()
    client.force_login(other_staff)
    response = client.post(f"/onboarding/steps/{step.pk}/complete/", {f"step-{step.pk}-note": ""})
    assert response.status_code == 403
    step.refresh_from_db()
    assert not step.is_done


def test_handing_off_to_someone_outside_the_next_team_is_refused(
    staff_client, seller, template, other_staff
):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.get(is_handoff_point=True)
    response = staff_client.post(
        f"/onboarding/steps/{step.pk}/handoff/", {"to_user": other_staff.pk, "note": "Promised"}
    )
    assert response.status_code == 400
    assert not Handoff.objects.exists()


def test_a_handoff_needs_a_note(staff_client, seller, supporter, template):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.get(is_handoff_point=True)
    response = staff_client.post(
        f"/onboarding/steps/{step.pk}/handoff/", {"to_user": supporter.pk, "note": ""}
    )
    assert response.context["handoff_form"].has_error("note", "required")
    assert not Handoff.objects.exists()


def test_handoff_accepted_by_the_receiver_moves_ownership(client, seller, supporter, template):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.get(is_handoff_point=True)
    client.force_login(seller)
    client.post(
        f"/onboarding/steps/{step.pk}/handoff/",
        {"to_user": supporter.pk, "note": "They expect weekly deliveries from Monday"},
    )
    handoff = Handoff.objects.get()
    onboarding.refresh_from_db()
    assert onboarding.owner == seller  # the sender stays accountable until acceptance
    client.force_login(supporter)
    my_day = client.get("/")
    offered = next(s for s in my_day.context["sections"] if s.key == "onboarding_handoffs")
    assert offered.items == [handoff]
    client.post(f"/onboarding/handoffs/{handoff.pk}/accept/")
    onboarding.refresh_from_db()
    assert onboarding.owner == supporter


def test_only_the_addressee_may_accept(client, seller, supporter, template, supervisor):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.get(is_handoff_point=True)
    handoff = services.offer_handoff(actor=seller, step=step, to_user=supporter, note="Over")
    client.force_login(supervisor)
    assert client.post(f"/onboarding/handoffs/{handoff.pk}/accept/").status_code == 403
    handoff.refresh_from_db()
    assert handoff.is_pending


def test_cancelling_needs_a_reason(staff_client, seller, template):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    response = staff_client.post(f"/onboarding/{onboarding.pk}/cancel/", {"cancel-reason": ""})
    assert response.status_code == 400
    onboarding.refresh_from_db()
    assert onboarding.status == "active"
    staff_client.post(f"/onboarding/{onboarding.pk}/cancel/", {"cancel-reason": "Went elsewhere"})
    onboarding.refresh_from_db()
    assert (onboarding.status, onboarding.cancel_reason) == ("cancelled", "Went elsewhere")


def test_the_list_shows_progress_overdue_and_stalled(staff_client, seller, template):
    fresh = start(seller, CustomerFactory(status="prospect"), template)
    stale = start(seller, CustomerFactory(status="prospect"), template)
    long_ago = timezone.now() - timedelta(days=30)
    Onboarding.objects.filter(pk=stale.pk).update(last_progress_at=long_ago)
    OnboardingStep.objects.filter(onboarding=stale, position=1).update(due_at=long_ago)
    stalled = staff_client.get("/onboarding/", {"stalled": "true"})
    assert list(stalled.context["page"]) == [stale]
    overdue = staff_client.get("/onboarding/", {"overdue": "true"})
    assert list(overdue.context["page"]) == [stale]
    everything = staff_client.get("/onboarding/")
    rows = {row.pk: row for row in everything.context["page"]}
    assert rows[fresh.pk].steps_total == template.steps.count()
    assert rows[stale.pk].steps_overdue == 1


def test_the_list_of_100_onboardings_runs_a_constant_number_of_queries(
    staff_client, seller, template, django_assert_max_num_queries
):
    for _ in range(100):
        start(seller, CustomerFactory(status="prospect"), template)
    # +1: the unread notices count in the navigation; +1: the people of the "open steps for"
    # filter
    with django_assert_max_num_queries(11):
        response = staff_client.get("/onboarding/")
    assert len(response.context["page"]) == PAGE_SIZE


def test_an_onboarding_with_30_steps_runs_a_constant_number_of_queries(
    staff_client, seller, sales, django_assert_max_num_queries
):
    big = ChecklistTemplate.objects.create(name="Big")
    for position in range(1, 31):
        big.steps.create(position=position, title=f"Step {position}", group=sales)
    onboarding = start(seller, CustomerFactory(status="prospect"), big)
    with django_assert_max_num_queries(12):
        response = staff_client.get(f"/onboarding/{onboarding.pk}/")
    assert len(response.context["steps"]) == 30


def test_my_day_lists_my_onboarding_steps(staff_client, seller, template):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    my_day = staff_client.get("/")
    section = next(s for s in my_day.context["sections"] if s.key == "onboarding_steps")
    assert section.items[0] == onboarding.steps.order_by("due_at", "position").first()


def test_people_without_a_role_cannot_see_onboardings(client):
    client.force_login(UserFactory())
    assert client.get("/onboarding/").status_code == 403


def test_a_forged_assignee_outside_the_team_is_refused(seller, template, other_staff, sales):
    customer = CustomerFactory(status="prospect")
    with pytest.raises(services.OnboardingError, match="is not in Sales"):
        start(seller, customer, template, assignees={sales.pk: other_staff})
    assert not Onboarding.objects.exists()


def test_handing_off_a_cancelled_onboarding_is_refused_with_a_message(
    staff_client, seller, supporter, template
):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Went elsewhere")
    step = onboarding.steps.get(is_handoff_point=True)

    response = staff_client.post(
        f"/onboarding/steps/{step.pk}/handoff/", {"to_user": supporter.pk, "note": "Promised"}
    )

    assert response.status_code == 400
    assert b"This onboarding is cancelled." in response.content
    assert not Handoff.objects.exists()


def test_accepting_an_offer_withdrawn_by_cancelling_is_refused_with_a_message(
    client, seller, supporter, template
):
    onboarding = start(seller, CustomerFactory(status="prospect"), template)
    step = onboarding.steps.get(is_handoff_point=True)
    handoff = services.offer_handoff(actor=seller, step=step, to_user=supporter, note="Over")
    services.cancel_onboarding(actor=seller, onboarding=onboarding, reason="Went elsewhere")
    client.force_login(supporter)

    response = client.post(f"/onboarding/handoffs/{handoff.pk}/accept/", follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert "This onboarding is cancelled." in messages
    onboarding.refresh_from_db()
    assert onboarding.owner == seller


def test_the_list_counts_progress_for_the_rows_of_its_page_only(staff_client, seller, template):
    # given: more onboardings than one page holds
    for _ in range(60):
        start(seller, CustomerFactory(status="prospect"), template)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/onboarding/", {"page": "2"})
    # then: the step counts join the steps of the page's ids, taken by a limited subquery
    counting = [
        query["sql"] for query in queries.captured_queries if "steps_total" in query["sql"]
    ]
    assert len(counting) == 1
    assert " IN (SELECT" in counting[0] and f"OFFSET {PAGE_SIZE}" in counting[0]
    rows = list(response.context["page"])
    assert len(rows) == min(60 - PAGE_SIZE, PAGE_SIZE)
    assert {row.steps_total for row in rows} == {template.steps.count()}
    expected = list(Onboarding.objects.order_by("target_at", "pk")[PAGE_SIZE : 2 * PAGE_SIZE])
    assert rows == expected


def test_the_offers_list_pages_every_onboarding_handed_to_the_person(client, supporter):
    offers = HandoffFactory.create_batch(30, to_user=supporter)
    HandoffFactory(to_user=UserFactory())  # someone else's
    client.force_login(supporter)
    first = client.get("/onboarding/handoffs/")
    assert first.status_code == 200
    assert [h.pk for h in first.context["page"]] == [h.pk for h in offers[:25]]
    second = client.get("/onboarding/handoffs/" + first.context["page"].next_url)
    assert [h.pk for h in second.context["page"]] == [h.pk for h in offers[25:]]
    assert "Reason for declining" in second.content.decode()
