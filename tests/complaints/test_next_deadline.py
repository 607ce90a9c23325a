"""The stored next_deadline: what with_next_deadline() computed per query, kept by the database."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from complaints.models import NO_DEADLINE, Complaint
from tests.factories import ComplaintFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE_FIELDS = ("first_response_due", "next_update_due", "resolution_due")


def expected_deadline(complaint: Complaint):
    """The nearest deadline ahead as the old annotation gave it on PostgreSQL (no NULLs)."""
    if complaint.status in {"resolved", "closed"} or complaint.paused_at is not None:
        return None
    first = (
        complaint.first_response_due
        if complaint.acknowledged_at is None
        else complaint.resolution_due
    )
    candidates = [
        due for due in (first, complaint.next_update_due, complaint.resolution_due) if due
    ]
    return min(candidates) if candidates else None


def old_annotation(queryset):
    """The annotation the lists sorted by before the column existed (complaints/models.py)."""
    first_response = Case(
        When(acknowledged_at__isnull=True, then=F("first_response_due")),
        default=F("resolution_due"),
    )
    return queryset.annotate(
        old_deadline=Case(
            When(status__in=["resolved", "closed"], then=Value(None)),
            When(paused_at__isnull=False, then=Value(None)),
            default=Least(first_response, F("next_update_due"), F("resolution_due")),
            output_field=DateTimeField(),
        )
    )


@pytest.fixture
def every_combination():
    """One complaint per status, pause, acknowledgement, missing deadlines and their order."""
    now = timezone.now().replace(microsecond=0)
    customer, owner = CustomerFactory(), UserFactory()
    orders = [(1, 8, 120), (9, 2, 50)]  # hours from now: first response, update, resolution
    rows = []
    for status, paused, acknowledged, present, hours in itertools.product(
        Complaint.Status.values,
        [False, True],
        [False, True],
        itertools.product([True, False], repeat=3),
        orders,
    ):
        dues = {
            field: now + timedelta(hours=hour) if keep else None
            for field, keep, hour in zip(DUE_FIELDS, present, hours, strict=True)
        }
        rows.append(
            Complaint(
                customer=customer,
                logged_by=owner,
                owner=owner,
                customer_words="…",
                status=status,
                paused_at=now if paused else None,
                acknowledged_at=now if acknowledged else None,
                **dues,
            )
        )
    Complaint.objects.bulk_create(rows)
    return list(Complaint.objects.order_by("pk"))


def test_next_deadline_is_the_nearest_deadline_ahead_for_every_combination(every_combination):
    assert len(every_combination) == 7 * 2 * 2 * 8 * 2
    for complaint in every_combination:
        assert complaint.deadline_ahead == expected_deadline(complaint), (
            complaint.status,
            complaint.paused_at,
            complaint.acknowledged_at,
            [getattr(complaint, field) for field in DUE_FIELDS],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LEAST skips NULLs on PostgreSQL")
def test_next_deadline_agrees_with_the_old_annotation_on_postgresql(every_combination):
    for complaint in old_annotation(Complaint.objects.all()):
        assert complaint.deadline_ahead == complaint.old_deadline


def test_without_a_deadline_ahead_the_column_holds_the_far_sentinel():
    closed = ComplaintFactory(status="closed")
    closed.refresh_from_db()

    assert closed.next_deadline == NO_DEADLINE
    assert closed.deadline_ahead is None


def test_the_column_follows_every_write_even_an_update_of_many_rows():
    complaint = ComplaintFactory()
    later = complaint.first_response_due + timedelta(days=30)

    Complaint.objects.filter(pk=complaint.pk).update(
        first_response_due=later, next_update_due=later, resolution_due=later
    )
    complaint.refresh_from_db()

    assert complaint.deadline_ahead == later


def test_nearest_deadline_first_puts_complaints_without_a_deadline_last_by_id():
    paused = ComplaintFactory(status="waiting_on_customer", paused_at=timezone.now())
    closed = ComplaintFactory(status="closed")
    later = ComplaintFactory()
    sooner = ComplaintFactory()
    Complaint.objects.filter(pk=later.pk).update(
        first_response_due=sooner.first_response_due + timedelta(hours=1)
    )

    assert list(Complaint.objects.nearest_deadline_first()) == [sooner, later, paused, closed]
