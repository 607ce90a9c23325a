"""The owners' admin for complaints: lists without N+1, the breach filter, read-only timeline,
versioned edits, history, and who gets in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.admin import RECENT_UPDATES, ComplaintAdmin
from complaints.models import AuthorityLimit, Category, Complaint, ComplaintHandoff, SLATarget
from crm import roles
from tests.factories import (
    ComplaintFactory,
    ComplaintUpdateFactory,
    CustomerFactory,
    RemedyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 120
LIST_URL = "/admin/complaints/complaint/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def breaching_complaint(**fields) -> Complaint:
    """A complaint whose resolution deadline passed an hour ago, its clock running."""
    received = timezone.now() - timedelta(days=6)
    return ComplaintFactory(
        received_at=received,
        acknowledged_at=received + timedelta(minutes=10),
        next_update_due=timezone.now() + timedelta(hours=1),
        resolution_due=timezone.now() - timedelta(hours=1),
        **fields,
    )


def change_form_data(complaint: Complaint, **changes) -> dict:
    """What the admin's change form posts back for the complaint, with the changes."""
    local = timezone.localtime
    data = {
        "customer": complaint.customer_id,
        "contact": complaint.contact_id or "",
        "channel": complaint.channel,
        "received_at_0": f"{local(complaint.received_at):%Y-%m-%d}",
        "received_at_1": f"{local(complaint.received_at):%H:%M:%S}",
        "logged_by": complaint.logged_by_id,
        "owner": complaint.owner_id,
        "category": complaint.category_id or "",
        "severity": complaint.severity,
        "expected_version": complaint.version,
        "customer_words": complaint.customer_words,
        "what_we_heard": complaint.what_we_heard,
        "asked_remedy_kind": complaint.asked_remedy_kind,
        "asked_amount": "",
        "asked_words": complaint.asked_words,
        "paused_minutes": complaint.paused_minutes,
        "corrective_note": complaint.corrective_note,
        "outcome_satisfied": "unknown",
        "handling_rating": "",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "remedies-TOTAL_FORMS": "0",
        "remedies-INITIAL_FORMS": "0",
        "handoffs-TOTAL_FORMS": "0",
        "handoffs-INITIAL_FORMS": "0",
    }
    for field in ("first_response_due", "next_update_due", "resolution_due"):
        moment = local(getattr(complaint, field))
        data[f"{field}_0"], data[f"{field}_1"] = f"{moment:%Y-%m-%d}", f"{moment:%H:%M:%S}"
    data.update(changes)
    return data


# --- The complaint list --------------------------------------------------------------------------


def test_the_complaint_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    # given many complaints, by many customers and owners, in two-level categories
    delivery = Category.objects.get(name="Delivery", parent=None)
    late = Category.objects.get(name="Late", parent=delivery)
    ComplaintFactory.create_batch(ROWS // 2, category=late)
    for _number in range(ROWS // 2):
        breaching_complaint()

    # when
    with django_assert_max_num_queries(12):
        response = owner_client.get(LIST_URL)

    # then
    assert response.status_code == 200
    assert response.context["cl"].result_count == ROWS
    assert "Delivery / Late" in response.content.decode()


def test_the_breaching_filter_keeps_only_complaints_past_a_deadline(
    owner_client, django_assert_max_num_queries
):
    on_time = ComplaintFactory.create_batch(3)
    late = [breaching_complaint() for _number in range(ROWS)]

    with django_assert_max_num_queries(12):
        breaching = owner_client.get(LIST_URL, {"breaching": "yes"})
    within = owner_client.get(LIST_URL, {"breaching": "no"})

    # (a page of the rows, all of them late)
    assert {row.pk for row in breaching.context["cl"].result_list} <= {c.pk for c in late}
    assert breaching.context["cl"].result_count == ROWS
    assert {row.pk for row in within.context["cl"].result_list} == {c.pk for c in on_time}


def test_the_breaching_column_marks_each_row_without_a_query_per_row(owner_client):
    late = breaching_complaint()
    on_time = ComplaintFactory()

    response = owner_client.get(LIST_URL)

    rows = {row.pk: row.is_breaching for row in response.context["cl"].result_list}
    assert rows == {late.pk: True, on_time.pk: False}


def test_a_paused_or_resolved_complaint_is_not_listed_as_breaching(owner_client):
    paused = breaching_complaint(status=Complaint.Status.WAITING_ON_CUSTOMER)
    paused.paused_at = timezone.now() - timedelta(days=1)
    paused.save()
    breaching_complaint(status=Complaint.Status.RESOLVED)

    response = owner_client.get(LIST_URL, {"breaching": "yes"})

    assert response.context["cl"].result_count == 0


def test_the_repeat_and_status_filters_narrow_the_list(owner_client):
    repeat = ComplaintFactory(is_repeat=True, status=Complaint.Status.INVESTIGATING)
    ComplaintFactory(is_repeat=False, status=Complaint.Status.INVESTIGATING)
    ComplaintFactory(is_repeat=True, status=Complaint.Status.CLOSED)

    response = owner_client.get(LIST_URL, {"is_repeat__exact": "1", "status": "investigating"})

    assert list(response.context["cl"].result_list) == [repeat]


def test_choosing_a_top_level_category_lists_the_complaints_in_its_subcategories(owner_client):
    delivery = Category.objects.get(name="Delivery", parent=None)
    late = ComplaintFactory(category=Category.objects.get(name="Late", parent=delivery))
    damaged = ComplaintFactory(category=Category.objects.get(name="Damaged", parent=delivery))
    ComplaintFactory(category=Category.objects.get(name="Overcharged"))

    response = owner_client.get(LIST_URL, {"category": delivery.pk})

    assert set(response.context["cl"].result_list) == {late, damaged}
    assert "Delivery / Wrong item" in response.content.decode()  # offered as a choice


def test_the_search_finds_a_complaint_by_reference_accent_free_customer_name_or_words(
    owner_client,
):
    zoe = ComplaintFactory(customer=CustomerFactory(name="Zoë Müller"), reference="C-000042")
    words = ComplaintFactory(customer_words="The grinder arrived with a cracked hopper.")
    ComplaintFactory(customer_words="Nothing to see here.")

    def found(term):
        return set(owner_client.get(LIST_URL, {"q": term}).context["cl"].result_list)

    assert found("zoe muller") == {zoe}
    assert found("000042") == {zoe}
    assert found("cracked hopper") == {words}


# --- The complaint page ------------------------------------------------------------------------


def test_the_complaint_page_shows_the_newest_updates_read_only_in_constant_queries(
    owner_client, owner, django_assert_max_num_queries
):
    # given a long-running complaint with a long timeline, remedies and a handoff
    complaint = ComplaintFactory()
    now = timezone.now()
    for minutes in range(100):
        ComplaintUpdateFactory(
            complaint=complaint,
            text=f"Update number {minutes}",
            created_at=now - timedelta(minutes=100 - minutes),
        )
    RemedyFactory.create_batch(5, complaint=complaint)
    ComplaintHandoff.objects.create(
        complaint=complaint, from_user=complaint.owner, to_user=owner, note="Over to you."
    )

    # when
    with django_assert_max_num_queries(30):
        response = owner_client.get(f"{LIST_URL}{complaint.pk}/change/")

    # then the newest entries come first, a limited number, and nothing can be typed into them
    assert response.status_code == 200
    body = response.content.decode()
    assert "Update number 99" in body
    assert "Update number 0<" not in body
    updates = response.context["inline_admin_formsets"][0]
    assert len(list(updates)) == RECENT_UPDATES
    assert not updates.has_add_permission
    assert not updates.has_change_permission
    assert "Over to you." in body


def test_the_admin_offers_no_way_to_add_a_complaint_past_the_logging_service(owner_client):
    response = owner_client.get(f"{LIST_URL}add/")

    assert response.status_code == 403


def test_an_owner_correcting_a_complaint_moves_its_version_on_and_records_history(
    owner_client, owner
):
    complaint = ComplaintFactory(what_we_heard="")

    response = owner_client.post(
        f"{LIST_URL}{complaint.pk}/change/",
        change_form_data(complaint, what_we_heard="The grinder was cracked on arrival."),
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.what_we_heard == "The grinder was cracked on arrival."
    assert complaint.version == 2
    assert complaint.history.latest().history_user == owner


def test_a_correction_based_on_an_older_version_is_refused(owner_client):
    complaint = ComplaintFactory(what_we_heard="First reading")
    stale = change_form_data(complaint, what_we_heard="Overwrites a newer change")
    Complaint.objects.filter(pk=complaint.pk).update(version=2, what_we_heard="Newer change")

    response = owner_client.post(f"{LIST_URL}{complaint.pk}/change/", stale)

    assert response.status_code == 200
    assert "stale" in [
        error.code for error in response.context["adminform"].form.non_field_errors().as_data()
    ]
    complaint.refresh_from_db()
    assert complaint.what_we_heard == "Newer change"


def test_the_status_cannot_be_changed_in_the_admin(owner_client):
    complaint = ComplaintFactory()

    owner_client.post(
        f"{LIST_URL}{complaint.pk}/change/",
        change_form_data(complaint, status=Complaint.Status.CLOSED),
    )

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.NEW


def test_the_history_page_lists_the_changes_to_a_complaint_and_opens_an_old_version(
    owner_client, owner
):
    complaint = ComplaintFactory(severity="normal")
    complaint.severity = "high"
    complaint._history_user = owner
    complaint.save()
    first = complaint.history.earliest()

    listing = owner_client.get(f"{LIST_URL}{complaint.pk}/history/")
    old_version = owner_client.get(f"{LIST_URL}{complaint.pk}/history/{first.history_id}/")

    assert listing.status_code == 200
    assert len(listing.context["page_obj"]) == 2
    assert old_version.status_code == 200
    assert old_version.context["adminform"].form.initial["severity"] == "normal"


@pytest.mark.parametrize("actor", ["staff", "supervisor"])
def test_people_other_than_owners_are_sent_away_from_the_complaints_admin(client, actor, request):
    client.force_login(request.getfixturevalue(actor))
    complaint = ComplaintFactory()

    for url in (LIST_URL, f"{LIST_URL}{complaint.pk}/change/", "/admin/complaints/remedy/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


# --- Remedies --------------------------------------------------------------------------------


def test_the_remedy_list_filters_by_decision_kind_and_auto_approval(
    owner_client, django_assert_max_num_queries
):
    RemedyFactory.create_batch(ROWS, kind="refund", decision="proposed")
    auto = RemedyFactory(kind="store_credit", decision="approved", auto_approved=True)

    with django_assert_max_num_queries(10):
        everything = owner_client.get("/admin/complaints/remedy/")
    filtered = owner_client.get(
        "/admin/complaints/remedy/",
        {"decision": "approved", "kind": "store_credit", "auto_approved__exact": "1"},
    )

    assert everything.context["cl"].result_count == ROWS + 1
    assert list(filtered.context["cl"].result_list) == [auto]


def test_a_remedy_cannot_be_decided_in_the_admin(owner_client):
    remedy = RemedyFactory(decision="proposed")

    response = owner_client.post(
        f"/admin/complaints/remedy/{remedy.pk}/change/", {"decision": "approved"}
    )

    assert response.status_code == 403
    remedy.refresh_from_db()
    assert remedy.decision == "proposed"


# --- Authority, SLA targets, categories, root causes ---------------------------------------------


def test_the_authority_list_shows_an_empty_limit_as_unlimited_and_filters_by_kind_and_group(
    owner_client, django_assert_max_num_queries
):
    supervisors = Group.objects.get(name=roles.SUPERVISORS)
    for number in range(ROWS):
        AuthorityLimit.objects.create(
            user=UserFactory(), remedy_kind="gift", max_amount=Decimal(number + 1)
        )

    with django_assert_max_num_queries(12):
        everything = owner_client.get("/admin/complaints/authoritylimit/")
    refunds = owner_client.get(
        "/admin/complaints/authoritylimit/",
        {"remedy_kind": "repair", "group__id__exact": supervisors.pk},
    )

    assert everything.status_code == 200
    assert "unlimited" in everything.content.decode()
    assert [(row.group, row.max_amount) for row in refunds.context["cl"].result_list] == [
        (supervisors, Decimal(500))
    ]


def test_an_authority_limit_for_both_a_group_and_a_person_is_refused_with_a_message(
    owner_client, staff
):
    response = owner_client.post(
        "/admin/complaints/authoritylimit/add/",
        {
            "remedy_kind": "gift",
            "group": Group.objects.get(name=roles.SUPERVISORS).pk,
            "user": staff.pk,
            "max_amount": "20",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not AuthorityLimit.objects.filter(user=staff).exists()


def test_an_owner_tunes_the_sla_targets_from_the_list(owner_client):
    targets = list(SLATarget.objects.order_by("pk"))
    data = {
        "form-TOTAL_FORMS": str(len(targets)),
        "form-INITIAL_FORMS": str(len(targets)),
        "_save": "Save",
    }
    for index, target in enumerate(targets):
        data |= {
            f"form-{index}-id": target.pk,
            f"form-{index}-first_response_minutes": target.first_response_minutes,
            f"form-{index}-update_interval_minutes": target.update_interval_minutes,
            f"form-{index}-resolution_minutes": target.resolution_minutes,
        }
    critical = next(i for i, target in enumerate(targets) if target.severity == "critical")
    data[f"form-{critical}-first_response_minutes"] = 15

    response = owner_client.post("/admin/complaints/slatarget/", data)

    assert response.status_code == 302
    assert SLATarget.objects.get(severity="critical").first_response_minutes == 15


def test_sla_targets_are_shown_in_hours_and_days_not_business_minutes(owner_client):
    # The seeded normal target: first response 240, update 480, resolution 2400 minutes.
    response = owner_client.get("/admin/complaints/slatarget/")

    html = response.content.decode()
    assert 'value="4 h"' in html
    assert 'value="8 h"' in html
    assert 'value="5 days"' in html
    assert 'value="2400"' not in html


def test_an_owner_enters_an_sla_target_in_hours_and_minutes(owner_client):
    target = SLATarget.objects.get(severity="high")
    data = {
        "severity": "high",
        "first_response_minutes": "1 h 30 min",
        "update_interval_minutes": "4h",
        "resolution_minutes": "3 days",
    }

    response = owner_client.post(f"/admin/complaints/slatarget/{target.pk}/change/", data)

    assert response.status_code == 302
    target.refresh_from_db()
    assert (
        target.first_response_minutes,
        target.update_interval_minutes,
        target.resolution_minutes,
    ) == (90, 240, 3 * 8 * 60)


def test_an_sla_target_that_is_no_duration_gets_an_error_beside_the_field(owner_client):
    target = SLATarget.objects.get(severity="high")
    data = {
        "severity": "high",
        "first_response_minutes": "soon",
        "update_interval_minutes": "0 min",
        "resolution_minutes": "3 days",
    }

    response = owner_client.post(f"/admin/complaints/slatarget/{target.pk}/change/", data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert errors["first_response_minutes"][0].code == "invalid"
    assert errors["update_interval_minutes"][0].code == "too_short"
    target.refresh_from_db()
    assert target.first_response_minutes == 60


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/admin/complaints/category/", "Refund not received"),
        ("/admin/complaints/rootcause/", "Courier delay"),
        ("/admin/complaints/slatarget/", "Critical"),
    ],
)
def test_the_lists_owners_tune_show_the_seeded_defaults(owner_client, url, shown):
    response = owner_client.get(url)

    assert response.status_code == 200
    assert shown in response.content.decode()


def test_the_category_autocomplete_names_each_with_its_parent(owner_client):
    response = owner_client.get(
        "/admin/autocomplete/",
        {
            "term": "late",
            "app_label": "complaints",
            "model_name": "complaint",
            "field_name": "category",
        },
    )

    assert [item["text"] for item in response.json()["results"]] == ["Delivery / Late"]


def test_a_correction_keeps_a_breach_notice_the_sweep_claimed_meanwhile(owner_client, monkeypatch):
    # given the admin working on a copy read before the sweep claimed the first-response notice
    complaint = ComplaintFactory()
    read_before = Complaint.objects.get(pk=complaint.pk)
    claimed_at = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(first_response_notified_at=claimed_at)
    monkeypatch.setattr(ComplaintAdmin, "get_object", lambda *args, **kwargs: read_before)

    # when the owner saves a correction
    response = owner_client.post(
        f"{LIST_URL}{complaint.pk}/change/", change_form_data(complaint, what_we_heard="Fixed")
    )

    # then the correction is saved and the claim stands, so the notice is not sent twice
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.what_we_heard == "Fixed"
    assert complaint.first_response_notified_at == claimed_at


def test_the_complaint_page_shows_which_rule_gave_the_expected_time(owner_client):
    complaint = ComplaintFactory(expected_by=timezone.now(), expected_by_basis="target")

    response = owner_client.get(f"{LIST_URL}{complaint.pk}/change/")

    assert "expected by, from" in response.content.decode().lower()
    assert "the resolution target" in response.content.decode()
