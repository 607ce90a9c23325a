"""The search box finds customers, complaints, follow-ups and onboardings, a bounded group each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, reference_in
from crm import search
from tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    FollowUpFactory,
    OnboardingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _groups(response) -> dict:
    return {group.key: group for group in response.context["groups"]}


@pytest.mark.parametrize(
    ("query", "reference"),
    [
        ("C-000009", "C-000009"),
        ("c-9", "C-000009"),
        ("C000123", "C-000123"),
        (" C-00001234567 ", "C-1234567"),
        ("9", None),
        ("C-", None),
        ("CC-9", None),
        ("C-9 boiler", None),
    ],
)
def test_a_reference_is_read_however_it_is_typed(query, reference):
    assert reference_in(query) == reference


def test_a_reference_goes_straight_to_its_complaint(staff_client):
    complaint = ComplaintFactory(reference="C-000009")
    ComplaintFactory(reference="C-000010")

    response = staff_client.get("/search/", {"q": "c-9"})

    assert response.url == complaint.get_absolute_url()


def test_words_find_complaints_beside_customers(staff_client):
    ComplaintFactory(customer_words="The boiler broke twice", customer__name="Ann Lee")
    heard = ComplaintFactory(customer_words="Cold", what_we_heard="Boiler fails on Mondays")
    ComplaintFactory(customer_words="Late delivery")
    CustomerFactory(name="Boiler Works Ltd")

    response = staff_client.get("/search/", {"q": "boiler"})

    groups = _groups(response)
    assert response.status_code == 200
    assert [c.name for c in groups["customers"].rows] == ["Boiler Works Ltd"]
    assert len(groups["complaints"].rows) == 2
    assert heard in groups["complaints"].rows
    assert b"Boiler fails on Mondays" in response.content


def test_words_shorter_than_three_letters_find_no_complaints(staff_client):
    ComplaintFactory(customer_words="ok so it broke")
    assert not Complaint.objects.matching("ok").exists()
    assert Complaint.objects.matching("it b").exists()


def test_follow_ups_found_are_the_persons_own_open_ones(staff_client, staff, other_staff):
    mine = FollowUpFactory(owner=staff, subject="Call back about the invoice")
    FollowUpFactory(owner=other_staff, subject="Invoice for someone else")
    FollowUpFactory(owner=staff, subject="Invoice sent", status="cancelled")

    groups = _groups(staff_client.get("/search/", {"q": "invoice here"}))
    assert groups["follow_ups"].rows == []

    response = staff_client.get("/search/", {"q": "invoice"})

    assert response.url == mine.get_absolute_url()


def test_onboardings_are_found_by_their_customers_name(staff_client):
    onboarding = OnboardingFactory(customer__name="Quill & Ink")
    groups = search.search(onboarding.owner, "")
    assert groups == []

    response = staff_client.get("/search/", {"q": "quill"})

    groups = _groups(response)
    assert groups["customers"].rows == [onboarding.customer]
    assert groups["onboardings"].rows == [onboarding]


def test_each_group_shows_ten_with_a_capped_count_and_its_full_list(staff_client):
    ComplaintFactory.create_batch(12, customer_words="Leaking tap")
    groups = _groups(staff_client.get("/search/", {"q": "leak"}))
    complaints = groups["complaints"]
    assert (len(complaints.rows), complaints.count_display, complaints.has_more) == (
        10,
        "12",
        True,
    )
    assert complaints.list_url == "/complaints/?q=leak"

    ComplaintFactory.create_batch(100, customer_words="Leaking tap")
    response = staff_client.get("/search/", {"q": "leak"})

    assert _groups(response)["complaints"].count_display == "100+"
    assert b"See all 100+" in response.content


def _fill(staff, word: str, count: int) -> None:
    customers = CustomerFactory.create_batch(count, name=f"{word} customer")
    for customer in customers:
        ComplaintFactory(customer=customer, customer_words=f"{word} again")
        FollowUpFactory(customer=customer, owner=staff, subject=f"{word} call")
        OnboardingFactory(customer=customer)


def test_the_query_count_is_the_same_for_one_match_or_many(staff_client, staff):
    _fill(staff, "zephyr", 1)
    _fill(staff, "mistral", 30)

    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get("/search/", {"q": query})
        assert response.status_code == 200
        return len(context)

    few, many = queries("zephyr"), queries("mistral")

    # A group that fits needs no count; one that overflows counts once: never more than two.
    assert few + 4 == many
    assert many <= 14


def test_the_lists_behind_the_groups_filter_by_the_same_query(staff_client, staff):
    complaint = ComplaintFactory(customer_words="Leaking tap", reference="C-000077")
    ComplaintFactory(customer_words="Late delivery")
    follow_up = FollowUpFactory(owner=staff, subject="Leaking tap: call the plumber")
    FollowUpFactory(owner=staff, subject="Other")
    onboarding = OnboardingFactory(customer__name="Leakproof Roofs", status="completed")
    OnboardingFactory()

    complaints = staff_client.get("/complaints/", {"q": "leaking"}).context["page"]
    by_reference = staff_client.get("/complaints/", {"q": "C-77"}).context["page"]
    follow_ups = staff_client.get("/followups/", {"q": "leaking"}).context["page"]
    onboardings = staff_client.get("/onboarding/", {"q": "leak", "status": ""}).context["page"]

    assert list(complaints) == list(by_reference) == [complaint]
    assert list(follow_ups) == [follow_up]
    assert list(onboardings.object_list) == [onboarding]


def test_a_group_is_left_out_for_someone_who_may_not_see_it(client):
    ComplaintFactory(customer_words="Leaking tap")
    CustomerFactory(name="Leak Ltd")
    nobody = UserFactory()
    client.force_login(nobody)

    response = client.get("/search/", {"q": "leak"})

    assert response.status_code in {200, 403}
    assert search.search(nobody, "leak") == []
