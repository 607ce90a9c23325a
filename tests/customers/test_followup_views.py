from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from crm.my_day import SHOWN
from customers.followup_views import PAGE_SIZE
from customers.models import FollowUp, FollowUpReschedule, Interaction
from tests.factories import CustomerFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_morning(time_machine):
    # "Due today" must not cross midnight while a test runs.
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=True)


def in_hours(hours: float):
    return timezone.now() + timedelta(hours=hours)


def test_the_list_shows_my_open_commitments_overdue_first_then_today_then_later(
    staff_client, staff, other_staff
):
    later = FollowUpFactory(owner=staff, subject="later", due_at=in_hours(24 * 3))
    overdue = FollowUpFactory(owner=staff, subject="overdue", due_at=in_hours(-2))
    today = FollowUpFactory(
        owner=staff, subject="today", due_at=timezone.now() + timedelta(minutes=5)
    )
    FollowUpFactory(owner=other_staff, subject="someone else's")
    FollowUpFactory(owner=staff, subject="done", status="done", completed_at=timezone.now())
    response = staff_client.get("/followups/")
    assert list(response.context["page"]) == [overdue, today, later]


def test_staff_cannot_see_someone_elses_list_by_asking(staff_client, other_staff):
    FollowUpFactory(owner=other_staff)
    response = staff_client.get("/followups/", {"owner": other_staff.pk})
    assert list(response.context["page"]) == []


def test_supervisors_filter_anyones_commitments(client, supervisor, staff):
    theirs = FollowUpFactory(owner=staff)
    client.force_login(supervisor)
    response = client.get("/followups/", {"owner": staff.pk})
    assert list(response.context["page"]) == [theirs]


def test_the_list_runs_a_constant_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    customers = CustomerFactory.create_batch(20)
    FollowUpFactory.create_batch(
        200, owner=staff, customer=factory.Iterator(customers), due_at=in_hours(1)
    )
    with django_assert_max_num_queries(8):
        response = staff_client.get("/followups/")
    assert len(response.context["page"]) == PAGE_SIZE


def test_completing_with_an_outcome_can_log_the_contact_in_the_same_step(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff, kind="keep_in_touch")
    response = staff_client.post(
        f"/followups/{follow_up.pk}/complete/",
        {"outcome": "Happy with the new range", "log_channel": "phone"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("done", "Happy with the new range")
    interaction = Interaction.objects.get()
    assert (interaction.channel, interaction.is_positive) == ("phone", True)


def test_completing_someone_elses_follow_up_by_a_forged_post_is_refused(staff_client, other_staff):
    follow_up = FollowUpFactory(owner=other_staff)
    response = staff_client.post(f"/followups/{follow_up.pk}/complete/", {"outcome": "x"})
    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_completing_without_an_outcome_shows_the_error(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff)
    response = staff_client.post(f"/followups/{follow_up.pk}/complete/", {"outcome": ""})
    assert response.status_code == 400
    assert response.context["complete_form"].has_error("outcome", "required")


def test_completing_twice_tells_the_second_time(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff)
    staff_client.post(f"/followups/{follow_up.pk}/complete/", {"outcome": "Called"})
    response = staff_client.post(
        f"/followups/{follow_up.pk}/complete/", {"outcome": "Again"}, follow=True
    )
    assert "already Done" in str(list(response.context["messages"])[-1])
    follow_up.refresh_from_db()
    assert follow_up.outcome == "Called"


def test_moving_a_promised_time_records_whether_the_customer_was_told(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff, promised_to_customer=True)
    old_due = follow_up.due_at
    new_due = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    staff_client.post(
        f"/followups/{follow_up.pk}/reschedule/",
        {
            "due_at": new_due.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Part arrives Thursday",
            "customer_told": "yes",
        },
    )
    move = FollowUpReschedule.objects.get()
    assert (move.old_due_at, move.new_due_at) == (old_due, new_due)
    assert (move.reason, move.customer_told) == ("Part arrives Thursday", True)


def test_moving_a_promised_time_without_saying_if_the_customer_knows_is_refused(
    staff_client, staff
):
    follow_up = FollowUpFactory(owner=staff, promised_to_customer=True)
    response = staff_client.post(
        f"/followups/{follow_up.pk}/reschedule/",
        {"due_at": "2099-01-01T10:00", "reason": "Busy"},
    )
    assert response.status_code == 400
    assert response.context["reschedule_form"].has_error("customer_told", "customer_told_required")
    assert b"Busy" in response.content
    assert not FollowUpReschedule.objects.exists()


def test_reassigning_tells_the_new_owner(
    staff_client, staff, other_staff, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    follow_up = FollowUpFactory(owner=staff)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/followups/{follow_up.pk}/reassign/", {"owner": other_staff.pk})
    follow_up.refresh_from_db()
    assert follow_up.owner == other_staff
    assert [message.to for message in mailoutbox] == [[other_staff.email]]


def test_reassigning_to_nobody_valid_is_refused(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff)
    outsider = UserFactory()  # no role: cannot own work
    response = staff_client.post(f"/followups/{follow_up.pk}/reassign/", {"owner": outsider.pk})
    assert response.status_code == 400
    follow_up.refresh_from_db()
    assert follow_up.owner == staff


def test_actions_need_a_post(staff_client, staff):
    follow_up = FollowUpFactory(owner=staff)
    assert staff_client.get(f"/followups/{follow_up.pk}/complete/").status_code == 405


def test_my_day_lists_overdue_and_due_today_with_one_tap_outcomes(staff_client, staff):
    overdue = FollowUpFactory(owner=staff, subject="Ring Mrs Lee", due_at=in_hours(-1))
    response = staff_client.get("/")
    sections = {section.key: section.items for section in response.context["sections"]}
    assert sections["overdue"] == [overdue]
    assert f'action="/followups/{overdue.pk}/outcome/"'.encode() in response.content
    staff_client.post(f"/followups/{overdue.pk}/outcome/", {"outcome": "reached", "next": "/"})
    overdue.refresh_from_db()
    assert overdue.status == FollowUp.Status.DONE


def test_my_day_shows_work_recently_given_to_me(staff_client, staff, other_staff):
    given = FollowUpFactory(owner=staff, created_by=other_staff, due_at=in_hours(48))
    FollowUpFactory(owner=staff, created_by=staff, due_at=in_hours(48))
    response = staff_client.get("/")
    sections = {section.key: section.items for section in response.context["sections"]}
    assert sections["recently_assigned"] == [given]


def test_my_day_runs_a_constant_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    customers = CustomerFactory.create_batch(10)
    FollowUpFactory.create_batch(
        50, owner=staff, customer=factory.Iterator(customers), due_at=in_hours(-3)
    )
    FollowUpFactory.create_batch(
        20,
        owner=staff,
        customer=factory.Iterator(customers),
        due_at=timezone.now() + timedelta(minutes=1),
    )
    # Session, user, authority, permissions (whether they see the team's breaches), unread
    # notices, every section's keys (one query, crm/my_day.py capped_keys), and the rows of
    # the two sections that have any (overdue and due today), their customers and owners
    # joined.
    with django_assert_max_num_queries(9):
        response = staff_client.get("/")
    overdue = next(s for s in response.context["sections"] if s.key == "overdue")
    assert len(overdue.items) == SHOWN
    assert overdue.total == 50


@pytest.mark.parametrize("action", ["complete", "reschedule", "reassign"])
def test_acting_on_a_cancelled_follow_up_is_refused_with_a_message(
    staff_client, staff, other_staff, action
):
    follow_up = FollowUpFactory(owner=staff, status=FollowUp.Status.CANCELLED)
    data = {
        "complete": {"outcome": "Called"},
        "reschedule": {"due_at": "2099-01-01T10:00", "reason": "Busy"},
        "reassign": {"owner": other_staff.pk},
    }[action]

    response = staff_client.post(f"/followups/{follow_up.pk}/{action}/", data, follow=True)

    assert response.status_code == 200
    assert "already Cancelled" in str(list(response.context["messages"])[-1])
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.owner, follow_up.outcome) == ("cancelled", staff, "")
    assert not FollowUpReschedule.objects.exists()
