"""The starting values the migrations put in: SLA targets, authority per role, categories."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from complaints.authority import authority_of
from complaints.models import (
    MONEY_REMEDIES,
    AuthorityLimit,
    Category,
    RemedyKind,
    RootCause,
    Severity,
    SLATarget,
)
from crm import roles

pytestmark = pytest.mark.django_db

defaults = importlib.import_module("complaints.migrations.0003_defaults")


def limits_of(group_name: str) -> dict[str, Decimal | None]:
    rows = AuthorityLimit.objects.filter(group__name=group_name)
    return dict(rows.values_list("remedy_kind", "max_amount"))


def test_every_severity_has_sla_targets_in_business_minutes():
    targets = {
        target.severity: (
            target.first_response_minutes,
            target.update_interval_minutes,
            target.resolution_minutes,
        )
        for target in SLATarget.objects.all()
    }

    assert targets == {
        Severity.CRITICAL: (30, 120, 480),
        Severity.HIGH: (60, 240, 1440),
        Severity.NORMAL: (240, 480, 2400),
        Severity.LOW: (480, 960, 4800),
    }


def test_front_line_staff_may_refund_50_and_give_100_in_credit_and_nothing_else_with_money():
    assert limits_of(roles.FRONT_LINE_STAFF) == {
        RemedyKind.REFUND: Decimal(50),
        RemedyKind.STORE_CREDIT: Decimal(100),
        RemedyKind.APOLOGY: None,
        RemedyKind.OTHER: None,
    }


def test_supervisors_may_grant_500_of_every_money_remedy():
    assert limits_of(roles.SUPERVISORS) == {
        **dict.fromkeys(MONEY_REMEDIES, Decimal(500)),
        RemedyKind.APOLOGY: None,
        RemedyKind.OTHER: None,
    }


def test_owners_may_grant_any_remedy_without_limit():
    assert limits_of(roles.OWNERS) == dict.fromkeys(RemedyKind.values, None)


def test_an_apology_is_within_everyones_authority(staff, supervisor, owner):
    for person in (staff, supervisor, owner):
        assert authority_of(person).covers(RemedyKind.APOLOGY, None), person


def test_staff_authority_read_through_the_groups_matches_the_defaults(staff, supervisor):
    assert authority_of(staff).covers(RemedyKind.REFUND, Decimal(50))
    assert not authority_of(staff).covers(RemedyKind.REFUND, Decimal("50.01"))
    assert not authority_of(staff).covers(RemedyKind.REPLACEMENT, Decimal(1))
    assert authority_of(supervisor).covers(RemedyKind.GIFT, Decimal(500))
    assert not authority_of(supervisor).covers(RemedyKind.GIFT, Decimal(501))


def test_categories_come_in_two_levels_for_a_small_business():
    children = {
        parent.name: sorted(parent.children.values_list("name", flat=True))
        for parent in Category.objects.filter(parent=None)
    }

    assert children == {
        "Billing": ["Overcharged", "Refund not received"],
        "Delivery": ["Damaged", "Late", "Wrong item"],
        "Product": ["Faulty", "Not as described"],
        "Service": ["No call back", "Staff attitude", "Waiting time"],
    }
    assert not Category.objects.filter(parent__parent__isnull=False).exists()


def test_root_causes_are_seeded_with_a_description():
    names = set(RootCause.objects.values_list("name", flat=True))

    assert {"Courier delay", "Packing", "Training", "Customer misunderstanding"} <= names
    assert len(names) == 8
    assert not RootCause.objects.filter(description="").exists()


def test_running_the_defaults_again_keeps_an_owners_edits_and_restores_what_was_deleted():
    # given an owner who tuned a target and a limit, and deleted a category and a limit
    SLATarget.objects.filter(severity=Severity.CRITICAL).update(first_response_minutes=15)
    staff_group = Group.objects.get(name=roles.FRONT_LINE_STAFF)
    AuthorityLimit.objects.filter(group=staff_group, remedy_kind=RemedyKind.REFUND).update(
        max_amount=Decimal(75)
    )
    AuthorityLimit.objects.filter(group=staff_group, remedy_kind=RemedyKind.STORE_CREDIT).delete()
    Category.objects.get(name="Waiting time").delete()
    counts = (SLATarget.objects.count(), AuthorityLimit.objects.count(), Category.objects.count())

    # when
    defaults.create_defaults(apps, schema_editor=None)

    # then the edits stand, the deleted rows are back, and nothing is doubled
    assert SLATarget.objects.get(severity=Severity.CRITICAL).first_response_minutes == 15
    assert limits_of(roles.FRONT_LINE_STAFF)[RemedyKind.REFUND] == Decimal(75)
    assert limits_of(roles.FRONT_LINE_STAFF)[RemedyKind.STORE_CREDIT] == Decimal(100)
    assert Category.objects.filter(name="Waiting time", parent__name="Service").exists()
    assert SLATarget.objects.count() == counts[0]
    assert AuthorityLimit.objects.count() == counts[1] + 1
    assert Category.objects.count() == counts[2] + 1


def test_reversing_the_defaults_removes_the_role_groups_limits_and_keeps_the_rest(staff):
    # given a person's own limit beside the groups' defaults
    AuthorityLimit.objects.create(user=staff, remedy_kind=RemedyKind.GIFT, max_amount=20)

    # when
    defaults.remove_group_limits(apps, schema_editor=None)

    # then the groups can be removed next; the person's limit and the other lists stay
    assert not AuthorityLimit.objects.filter(group__isnull=False).exists()
    assert AuthorityLimit.objects.filter(user=staff).exists()
    assert SLATarget.objects.count() == 4
    assert Category.objects.exists()
    assert RootCause.objects.exists()
