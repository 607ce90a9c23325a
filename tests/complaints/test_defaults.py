"""The starting values the migrations put in: SLA targets, authority per role, categories."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from complaints.authority import authority_of
from complaints.models import (
    MONEY_REMEDIES,
    AuthorityLimit,
    Category,
    Complaint,
    ComplaintUpdate,
    Remedy,
    RemedyKind,
    RootCause,
    Severity,
    SLATarget,
)
from crm import roles
from tests.factories import CustomerFactory, UserFactory

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


def test_front_line_staff_may_refund_50_give_100_in_credit_and_25_of_other_and_nothing_else():
    assert limits_of(roles.FRONT_LINE_STAFF) == {
        RemedyKind.REFUND: Decimal(50),
        RemedyKind.STORE_CREDIT: Decimal(100),
        RemedyKind.APOLOGY: None,
        RemedyKind.OTHER: Decimal(25),
    }


def test_supervisors_may_grant_500_of_every_money_remedy_and_of_other():
    assert limits_of(roles.SUPERVISORS) == {
        **dict.fromkeys(MONEY_REMEDIES, Decimal(500)),
        RemedyKind.APOLOGY: None,
        RemedyKind.OTHER: Decimal(500),
    }


def test_owners_may_grant_any_remedy_without_limit():
    assert limits_of(roles.OWNERS) == dict.fromkeys(RemedyKind.values, None)


def test_an_apology_is_within_everyones_authority(staff, supervisor, owner):
    for person in (staff, supervisor, owner):
        assert authority_of(person).covers(RemedyKind.APOLOGY, None), person


def test_other_with_an_amount_counts_against_each_roles_money_limit(staff, supervisor, owner):
    assert authority_of(staff).covers(RemedyKind.OTHER, Decimal(25))
    assert not authority_of(staff).covers(RemedyKind.OTHER, Decimal("25.01"))
    assert authority_of(supervisor).covers(RemedyKind.OTHER, Decimal(500))
    assert not authority_of(supervisor).covers(RemedyKind.OTHER, Decimal("500.01"))
    assert authority_of(owner).covers(RemedyKind.OTHER, Decimal(99_999))


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


BEFORE_FREE_KINDS_RULE = ("complaints", "0003_defaults")


def migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_limits_other_and_turns_priced_apologies_into_other_before_the_constraint():
    # given: a database as 0003 left it, with an apology that carries money and a tuned limit
    old_apps = (
        migrate([BEFORE_FREE_KINDS_RULE]).loader.project_state([BEFORE_FREE_KINDS_RULE]).apps
    )
    # An earlier database-flushing test may have emptied the tables: put 0003's rows back.
    defaults.create_defaults(old_apps, schema_editor=None)
    assert limits_of(roles.FRONT_LINE_STAFF)[RemedyKind.OTHER] is None
    AuthorityLimit.objects.filter(
        group__name=roles.SUPERVISORS, remedy_kind=RemedyKind.OTHER
    ).update(max_amount=Decimal(300))
    person = UserFactory()
    old_complaint = old_apps.get_model("complaints", "Complaint").objects.create(
        customer_id=CustomerFactory().pk,
        logged_by_id=person.pk,
        owner_id=person.pk,
        customer_words="Late again.",
        asked_remedy_kind="apology",
        asked_amount=Decimal(80),
    )
    old_remedies = old_apps.get_model("complaints", "Remedy").objects
    priced = old_remedies.create(
        complaint_id=old_complaint.pk,
        kind="apology",
        amount=Decimal(5000),
        proposed_by_id=person.pk,
        decision="approved",
        auto_approved=True,
    )
    plain = old_remedies.create(
        complaint_id=old_complaint.pk, kind="apology", proposed_by_id=person.pk
    )

    # when
    migrate(None)

    # then: the money is counted as "other"; a plain apology stays one
    assert Remedy.objects.get(pk=priced.pk).kind == RemedyKind.OTHER
    assert Remedy.objects.get(pk=priced.pk).amount == Decimal(5000)
    assert Remedy.objects.get(pk=plain.pk).kind == RemedyKind.APOLOGY
    complaint = Complaint.objects.get(pk=old_complaint.pk)
    assert (complaint.asked_remedy_kind, complaint.asked_amount) == ("other", Decimal(80))
    assert complaint.updates.filter(
        kind=ComplaintUpdate.Kind.REMEDY, text__contains="changed from apology to other"
    ).exists()
    # "other" is limited for staff; the supervisors' tuned limit and the owners' stay
    assert limits_of(roles.FRONT_LINE_STAFF)[RemedyKind.OTHER] == Decimal(25)
    assert limits_of(roles.SUPERVISORS)[RemedyKind.OTHER] == Decimal(300)
    assert limits_of(roles.OWNERS)[RemedyKind.OTHER] is None
