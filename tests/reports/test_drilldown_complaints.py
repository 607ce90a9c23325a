"""Sections 2, 3 and 5 of /reports/: each figure's link lists exactly the rows it counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from complaints import services as complaint_services
from customers.messaging.models import CustomerMessage, MessageEvent
from tests.factories import (
    ComplaintFactory,
    ComplaintUpdateFactory,
    FollowUpFactory,
    UserFactory,
)
from tests.reports.drilldown import NOW, figures, listed, tables

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LONG_AGO = NOW - 40 * DAY


@pytest.fixture(autouse=True)
def _monday_noon(time_machine):
    time_machine.move_to(NOW, tick=False)


def checked_in(owner, *, satisfied: bool, rating: int, when=NOW - DAY):
    return ComplaintFactory(
        owner=owner,
        logged_by=owner,
        checked_in_at=when,
        outcome_satisfied=satisfied,
        handling_rating=rating,
    ).pk


@pytest.fixture
def check_ins(staff, other_staff):
    """Staff's check-ins of the period by (satisfied, rating), one too old, one of another."""
    return {
        "satisfied_5": checked_in(staff, satisfied=True, rating=5),
        "unsatisfied_4": checked_in(staff, satisfied=False, rating=4),
        "satisfied_1": checked_in(staff, satisfied=True, rating=1),
        "old": checked_in(staff, satisfied=True, rating=5, when=LONG_AGO),
        "others": checked_in(other_staff, satisfied=True, rating=5),
    }


def test_each_satisfaction_figure_lists_exactly_the_check_ins_it_counts(
    client, supervisor, staff, check_ins
):
    client.force_login(supervisor)
    section = figures(client, person=staff.pk)["satisfaction"]

    satisfied = section["Satisfied with the outcome"]
    assert satisfied.value == "66.7 % (2 of 3)"
    assert listed(client, satisfied.url) == {check_ins["satisfied_5"], check_ins["satisfied_1"]}
    assert listed(client, section["Handling rating, mean (1-5)"].url) == {
        check_ins["satisfied_5"],
        check_ins["unsatisfied_4"],
        check_ins["satisfied_1"],
    }
    happy_handling = section["Happy with the handling, not with the outcome"]
    assert happy_handling.value == "1"
    assert listed(client, happy_handling.url) == {check_ins["unsatisfied_4"]}
    happy_outcome = section["Happy with the outcome, not with the handling"]
    assert happy_outcome.value == "1"
    assert listed(client, happy_outcome.url) == {check_ins["satisfied_1"]}


def test_each_rating_row_lists_the_check_ins_with_that_rating(
    client, supervisor, staff, check_ins
):
    client.force_login(supervisor)
    ratings = tables(client, person=staff.pk)["satisfaction-ratings"]

    by_rating = {
        row[0]: listed(client, url)
        for row, url in zip(ratings.rows, ratings.row_urls, strict=True)
    }

    assert {rating: len(rows) for rating, rows in by_rating.items()} == {
        row[0]: row[1] for row in ratings.rows
    }
    assert by_rating[4] == {check_ins["unsatisfied_4"]}


def test_staff_follow_their_own_satisfaction_links_to_their_own_check_ins(
    client, staff, check_ins
):
    client.force_login(staff)
    satisfied = figures(client)["satisfaction"]["Satisfied with the outcome"]

    assert listed(client, satisfied.url) == {check_ins["satisfied_5"], check_ins["satisfied_1"]}
    # The team's value (front-line staff: staff and other_staff) is shown without a link.
    assert satisfied.team_value == "75.0 % (3 of 4)"


def test_a_teams_satisfaction_links_list_only_the_teams_check_ins(
    client, supervisor, staff, check_ins
):
    sales = Group.objects.create(name="Drill-down team")
    staff.groups.add(sales)
    client.force_login(supervisor)

    satisfied = figures(client, team=sales.pk)["satisfaction"]["Satisfied with the outcome"]

    assert f"team={sales.pk}" in satisfied.url
    assert listed(client, satisfied.url) == {check_ins["satisfied_5"], check_ins["satisfied_1"]}


def customer_update(complaint, *, on_time: bool, when=NOW - DAY):
    ComplaintUpdateFactory(
        complaint=complaint, kind="customer_update", on_time=on_time, created_at=when
    )


def test_customer_updates_on_time_link_to_the_complaints_with_a_late_update(
    client, supervisor, staff
):
    # given: complaints received long ago, updated in the period
    late_twice, late_and_on_time, on_time, late_long_ago = (
        ComplaintFactory(owner=staff, received_at=LONG_AGO) for _ in range(4)
    )
    customer_update(late_twice, on_time=False)
    customer_update(late_twice, on_time=False, when=NOW - 2 * DAY)
    customer_update(late_and_on_time, on_time=False)
    customer_update(late_and_on_time, on_time=True)
    customer_update(on_time, on_time=True)
    customer_update(late_long_ago, on_time=False, when=LONG_AGO)
    client.force_login(supervisor)

    # when
    figure = figures(client, person=staff.pk)["complaints"]["Customer updates on time"]

    # then: 2 of 5 updates on time; the link names what it lists and lists exactly that
    assert figure.value == "40.0 % (2 of 5)"
    assert figure.link_text == "Complaints with a late update"
    assert listed(client, figure.url) == {late_twice.pk, late_and_on_time.pk}
    page = client.get("/reports/", {"period": "30", "person": staff.pk}).content.decode()
    assert "Complaints with a late update</a>" in page


def test_reopened_at_the_check_in_links_to_the_complaints_reopened_then(client, supervisor, staff):
    reopened, closed, reopened_long_ago = (
        ComplaintFactory(owner=staff, received_at=LONG_AGO) for _ in range(3)
    )
    for complaint, to_status, when in (
        (reopened, "investigating", NOW - DAY),
        (closed, "closed", NOW - DAY),
        (reopened_long_ago, "investigating", LONG_AGO),
    ):
        ComplaintUpdateFactory(
            complaint=complaint,
            kind="status",
            from_status="resolved",
            to_status=to_status,
            created_at=when,
        )
    client.force_login(supervisor)

    figure = figures(client, person=staff.pk)["complaints"]["Reopened at the check-in"]

    assert figure.value == "50.0 % (1 of 2)"
    assert listed(client, figure.url) == {reopened.pk}


def moved(follow_up, *, told: bool, when=NOW - DAY):
    follow_up.reschedules.create(
        old_due_at=follow_up.due_at,
        new_due_at=follow_up.due_at + DAY,
        reason="Parts are late",
        customer_told=told,
        changed_by=follow_up.owner,
        changed_at=when,
    )


def test_moves_of_promised_times_link_to_the_promises_moved(client, supervisor, staff):
    # given: a promise moved twice (told once), one moved untold and done since, one moved
    # long ago, and another person's
    promise = {"kind": "promise", "promised_to_customer": True, "owner": staff}
    twice, untold_done, long_ago = (FollowUpFactory(**promise) for _ in range(3))
    others = FollowUpFactory(**{**promise, "owner": UserFactory()})
    moved(twice, told=True)
    moved(twice, told=False, when=NOW - 2 * DAY)
    moved(untold_done, told=False)
    untold_done.status, untold_done.completed_at = "done", NOW
    untold_done.save()
    moved(long_ago, told=True, when=LONG_AGO)
    moved(others, told=True)
    client.force_login(supervisor)

    # when
    promises = figures(client, person=staff.pk)["promises"]

    # then
    moves = promises["Promised times moved"]
    assert moves.value == "3 moves of 2 promises"
    assert listed(client, moves.url) == {twice.pk, untold_done.pk}
    told = promises["Moves the customer was told of"]
    assert told.value == "33.3 % (1 of 3)"
    assert listed(client, told.url) == {twice.pk}


def test_staff_follow_their_own_moves_link_to_their_own_promises(client, staff):
    mine = FollowUpFactory(kind="promise", promised_to_customer=True, owner=staff)
    moved(mine, told=True)
    client.force_login(staff)

    moves = figures(client)["promises"]["Promised times moved"]

    assert listed(client, moves.url) == {mine.pk}


def promise_line(complaint, when, message_status: str | None = None):
    """Write a "Promised time" line, with the message that told the customer if any."""
    message = None
    if message_status is not None:
        message = CustomerMessage.objects.create(
            customer=complaint.customer,
            event=MessageEvent.PROMISE_MOVED,
            event_key=f"promise:{complaint.pk}:{when.isoformat()}",
            status=message_status,
        )
    return ComplaintUpdateFactory(
        complaint=complaint, kind="promise", created_at=when, message=message
    )


def test_complaint_promises_moved_count_each_move_after_the_first_promise(
    client, supervisor, staff
):
    # given: one promise set and moved twice in the period (one message sent, one the
    # customer opted out of), one set only, one moved before the period, another person's
    twice, set_only, before = (ComplaintFactory(owner=staff, logged_by=staff) for _ in range(3))
    promise_line(twice, LONG_AGO)
    promise_line(twice, NOW - 3 * DAY, message_status="sent")
    promise_line(twice, NOW - 2 * DAY, message_status="skipped")
    promise_line(set_only, NOW - DAY, message_status="sent")
    promise_line(before, LONG_AGO - DAY)
    promise_line(before, LONG_AGO, message_status="sent")
    others = ComplaintFactory()
    promise_line(others, NOW - 3 * DAY)
    promise_line(others, NOW - 2 * DAY, message_status="sent")
    client.force_login(supervisor)

    # when
    promises = figures(client, person=staff.pk)["promises"]
    everyone = figures(client)["promises"]

    # then
    moves = promises["Complaints' promised times moved"]
    assert moves.value == "2 moves of 1 complaints"
    assert listed(client, moves.url) == {twice.pk}
    told = promises["Complaint moves the customer was told of"]
    assert told.value == "50.0 % (1 of 2)"
    assert listed(client, told.url) == {twice.pk}
    assert everyone["Complaints' promised times moved"].value == "3 moves of 2 complaints"
    assert listed(client, everyone["Complaint moves the customer was told of"].url) == {
        twice.pk,
        others.pk,
    }


def test_moving_a_complaints_promise_through_the_service_counts_as_a_move(client, staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff)
    complaint_services.set_promised_time(actor=staff, complaint=complaint, promised_by=NOW + DAY)
    complaint.refresh_from_db()
    complaint_services.set_promised_time(
        actor=staff, complaint=complaint, promised_by=NOW + 2 * DAY, reason="Parts are late."
    )
    client.force_login(staff)

    moves = figures(client)["promises"]["Complaints' promised times moved"]

    assert moves.value == "1 moves of 1 complaints"
    assert listed(client, moves.url) == {complaint.pk}
