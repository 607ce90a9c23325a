"""Remedy and satisfaction report figures (complaints/remedy_reports.py) on hand-built data."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from complaints import remedy_reports as reports
from complaints import services
from complaints.models import RootCause
from tests.factories import ComplaintFactory, RemedyFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 30, tzinfo=UTC)


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


NOV_3, NOV_10 = at(3), at(10)


def granted(proposer, *, kind="refund", amount="20", when=NOV_3, **fields):
    return RemedyFactory(
        proposed_by=proposer,
        kind=kind,
        amount=None if amount is None else Decimal(amount),
        proposed_at=fields.pop("proposed_at", when),
        decision=fields.pop("decision", "approved"),
        decided_at=when,
        **fields,
    )


def test_remedies_asked_against_granted_by_kind():
    staff = UserFactory()
    ComplaintFactory(owner=staff, received_at=at(3), asked_remedy_kind="refund", asked_amount=50)
    ComplaintFactory(owner=staff, received_at=at(4), asked_remedy_kind="refund", asked_amount=30)
    ComplaintFactory(owner=staff, received_at=at(4), asked_remedy_kind="apology")
    ComplaintFactory(owner=staff, received_at=at(30), asked_remedy_kind="refund", asked_amount=9)
    granted(staff, amount="40", auto_approved=True)
    granted(staff, amount="25.50", decision="delivered", auto_approved=True)
    granted(staff, kind="apology", amount=None, auto_approved=True)
    granted(staff, amount="99", decision="rejected")
    RemedyFactory(proposed_by=staff, proposed_at=at(5))  # still waiting
    rows = reports.remedies_by_kind(start=START, end=END)
    assert [
        (r.kind, r.asked_count, r.asked_amount, r.granted_count, r.granted_amount) for r in rows
    ] == [
        ("apology", 1, Decimal("0.00"), 1, Decimal("0.00")),
        ("refund", 2, Decimal("80.00"), 2, Decimal("65.50")),
    ]
    assert reports.remedies_by_kind(start=START - timedelta(days=7), end=START) == []


def test_grant_routes_and_turnaround_of_a_remedy_decided_after_escalation():
    staff, supervisor = UserFactory(), UserFactory()
    granted(staff, amount="10", auto_approved=True)
    granted(staff, amount="300", proposed_at=at(3, 9), when=at(3, 10), decided_by=supervisor)
    granted(staff, amount="500", proposed_at=at(4, 9), when=at(4, 12), decided_by=supervisor)
    # Left waiting over the weekend, escalated, then decided: the whole wait counts.
    granted(
        staff,
        amount="700",
        decision="rejected",
        proposed_at=at(6, 16),
        when=at(9, 10),
        decided_by=supervisor,
        reminded_at=at(6, 17),
        escalated_at=at(9, 9),
    )
    routes = reports.grant_routes(start=START, end=END)
    assert routes == reports.GrantRoutes(
        within_authority_count=1,
        within_authority_amount=Decimal("10.00"),
        after_approval_count=2,
        after_approval_amount=Decimal("800.00"),
        rejected_count=1,
    )
    stats = reports.approval_turnaround(start=START, end=END)
    # 60, 180, and Friday 16:00 to Monday 10:00: 66 hours (3,960 minutes)
    assert (stats.count, stats.median, stats.p90) == (3, 180.0, 3960.0)
    nobody = UserFactory()
    assert reports.approval_turnaround(start=START, end=END, people=[nobody.pk]).median is None


def test_remedies_by_person_names_proposers_and_approvers():
    sam = UserFactory(first_name="Sam", last_name="Lee")
    sue = UserFactory(first_name="Sue", last_name="Park")
    granted(sam, amount="10", auto_approved=True)
    granted(sam, amount="300", decided_by=sue)
    granted(sam, amount="80", decision="rejected", decided_by=sue)
    RemedyFactory(proposed_by=sam, proposed_at=at(5))  # waiting
    rows = reports.remedies_by_person(start=START, end=END)
    assert rows == [
        reports.PersonRow(sam.pk, "Sam Lee", 4, 2, Decimal("310.00"), 0, 0, Decimal("0.00")),
        reports.PersonRow(sue.pk, "Sue Park", 0, 0, Decimal("0.00"), 2, 1, Decimal("300.00")),
    ]
    only_sue = reports.remedies_by_person(start=START, end=END, people=[sue.pk])
    assert [(row.name, row.proposed_count, row.decided_count) for row in only_sue] == [
        ("Sue Park", 0, 2)
    ]


def checked_in(owner, *, satisfied, rating, when=NOV_10):
    return ComplaintFactory(
        owner=owner,
        status="closed" if satisfied else "investigating",
        outcome_satisfied=satisfied,
        handling_rating=rating,
        checked_in_at=when,
    )


def test_satisfaction_splits_outcome_from_handling():
    owner = UserFactory()
    checked_in(owner, satisfied=True, rating=5)
    checked_in(owner, satisfied=True, rating=4)
    checked_in(owner, satisfied=True, rating=2)  # happy with the outcome, not the handling
    checked_in(owner, satisfied=False, rating=4)  # happy with the handling, not the outcome
    checked_in(owner, satisfied=False, rating=1)
    checked_in(owner, satisfied=True, rating=5, when=at(30))  # after the period
    figures = reports.satisfaction(start=START, end=END)
    assert figures == reports.Satisfaction(
        check_ins=5,
        satisfied=3,
        rating_mean=3.2,
        ratings={1: 1, 2: 1, 3: 0, 4: 2, 5: 1},
        happy_handling_not_outcome=1,
        happy_outcome_not_handling=1,
    )
    assert figures.satisfied_percent == 60.0
    empty = reports.satisfaction(start=START, end=END, people=[UserFactory().pk])
    assert (empty.check_ins, empty.rating_mean, empty.satisfied_percent) == (0, None, None)


def test_recording_a_check_in_stamps_its_time(clock, staff):
    complaint = ComplaintFactory(
        owner=staff, logged_by=staff, status="resolved", resolved_at=at(2)
    )
    cause = RootCause.objects.create(name="Courier")
    clock.set(at(12, 15))
    services.record_check_in(
        actor=staff,
        complaint=complaint,
        satisfied=True,
        rating=4,
        root_cause=cause,
        corrective_note="New courier.",
    )
    complaint.refresh_from_db()
    assert complaint.checked_in_at == at(12, 15)
    assert reports.satisfaction(start=START, end=END).satisfied == 1
