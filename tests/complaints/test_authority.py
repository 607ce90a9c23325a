"""Resolution authority: who may grant which remedy alone, and who approves the rest.

The default limits come from complaints' data migrations: front-line staff may refund up to 50,
give store credit up to 100 and "other" up to 25 (nothing for the other money kinds);
supervisors 500 for every money kind and "other"; owners unlimited. An apology (never with an
amount) or "other" without an amount is within anyone's.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.authority import Authority, approvers_for, authority_of
from complaints.models import (
    MAX_REMEDY_AMOUNT,
    MONEY_REMEDIES,
    AuthorityLimit,
    Complaint,
    ComplaintUpdate,
    Remedy,
    RemedyKind,
)
from complaints.services import ComplaintError
from crm import roles
from tests.factories import ComplaintFactory, RemedyFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUS = Complaint.Status


@pytest.fixture
def sent(eager_celery, django_capture_on_commit_callbacks):
    """Run a service and the notifications it enqueues on commit; return what it returned."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def investigating(owner) -> Complaint:
    return ComplaintFactory(owner=owner, logged_by=owner, status=STATUS.INVESTIGATING)


def propose(actor, kind="refund", amount="0", complaint=None) -> Remedy:
    return services.propose_remedy(
        actor=actor,
        complaint=complaint or investigating(actor),
        kind=kind,
        amount=Decimal(amount) if amount is not None else None,
    )


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


# --- Within, above and at the limit --------------------------------------------------------------


def test_a_refund_within_the_staff_limit_is_approved_on_the_spot(staff, mailoutbox):
    complaint = investigating(staff)

    remedy = propose(staff, "refund", "30", complaint)

    remedy.refresh_from_db()
    complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is True
    assert remedy.decided_by == staff
    assert remedy.decided_at is not None
    assert complaint.status == STATUS.INVESTIGATING
    assert mailoutbox == []


def test_a_remedy_within_authority_on_an_acknowledged_complaint_starts_the_investigation(staff):
    complaint = ComplaintFactory(owner=staff, logged_by=staff, status=STATUS.ACKNOWLEDGED)

    propose(staff, "store_credit", "100", complaint)

    complaint.refresh_from_db()
    assert complaint.status == STATUS.INVESTIGATING
    assert complaint.updates.filter(
        kind=ComplaintUpdate.Kind.STATUS,
        from_status=STATUS.ACKNOWLEDGED,
        to_status="investigating",
    ).exists()


def test_a_refund_above_the_staff_limit_waits_for_approval_and_tells_the_approvers(
    staff, other_staff, supervisor, owner, sent, mailoutbox
):
    complaint = investigating(staff)

    remedy = sent(
        services.propose_remedy,
        actor=staff,
        complaint=complaint,
        kind="refund",
        amount=Decimal(80),
    )

    remedy.refresh_from_db()
    complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    assert remedy.auto_approved is False
    assert remedy.decided_by is None
    assert complaint.status == STATUS.AWAITING_APPROVAL
    # Those whose authority covers 80: not the proposer, not a colleague limited to 50.
    assert recipients(mailoutbox) == sorted([supervisor.email, owner.email])
    assert all("Approval needed" in message.subject for message in mailoutbox)


def test_a_refund_exactly_at_the_limit_is_within_authority(staff):
    remedy = propose(staff, "refund", "50.00")

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is True


def test_a_refund_one_penny_above_the_limit_needs_approval(staff):
    remedy = propose(staff, "refund", "50.01")

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    assert remedy.complaint.status == STATUS.AWAITING_APPROVAL


# --- Whose limit applies -------------------------------------------------------------------------


def test_a_personal_limit_lower_than_the_group_limit_overrides_it(staff):
    AuthorityLimit.objects.create(user=staff, remedy_kind="refund", max_amount=Decimal(10))

    remedy = propose(staff, "refund", "30")

    remedy.refresh_from_db()
    assert authority_of(staff).limit_for("refund") == Decimal(10)
    assert remedy.decision == Remedy.Decision.PROPOSED


def test_a_personal_limit_higher_than_the_group_limit_overrides_it(staff):
    AuthorityLimit.objects.create(user=staff, remedy_kind="refund", max_amount=Decimal(200))

    remedy = propose(staff, "refund", "150")

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is True


def test_a_personal_limit_overrides_even_an_unlimited_group(owner):
    AuthorityLimit.objects.create(user=owner, remedy_kind="refund", max_amount=Decimal(10))

    assert not authority_of(owner).covers("refund", Decimal(11))
    # Other kinds keep the group's unlimited authority.
    assert authority_of(owner).covers("gift", Decimal(1_000_000))


def test_a_personal_limit_applies_to_its_kind_only(staff):
    AuthorityLimit.objects.create(user=staff, remedy_kind="refund", max_amount=Decimal(10))

    assert authority_of(staff).limit_for("store_credit") == Decimal(100)


def test_someone_in_two_groups_has_the_higher_of_their_limits(db):
    person = UserFactory(group=roles.FRONT_LINE_STAFF)
    person.groups.add(Group.objects.get(name=roles.SUPERVISORS))

    assert authority_of(person).limit_for("refund") == Decimal(500)
    assert authority_of(person).limit_for("replacement") == Decimal(500)


def test_an_unlimited_authority_grants_any_amount_alone(owner):
    remedy = propose(owner, "refund", "999999.99")

    remedy.refresh_from_db()
    assert authority_of(owner).limit_for("refund") is None
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is True


def test_a_supervisor_grants_up_to_500_of_any_money_kind(supervisor):
    authority = authority_of(supervisor)

    assert authority.covers("replacement", Decimal(500))
    assert not authority.covers("replacement", Decimal("500.01"))


def test_without_any_limit_row_any_money_remedy_needs_approval(staff):
    # Front-line staff have no row for replacements.
    remedy = propose(staff, "replacement", "5")

    remedy.refresh_from_db()
    assert authority_of(staff).limit_for("replacement") == Decimal(0)
    assert remedy.decision == Remedy.Decision.PROPOSED


def test_without_any_limit_row_an_apology_is_still_within_authority(db):
    nobody = UserFactory()

    assert authority_of(nobody).covers("apology", None)
    assert not authority_of(nobody).covers("refund", Decimal("0.01"))


def test_an_apology_is_approved_on_the_spot(staff):
    remedy = propose(staff, "apology", None)

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is True


def test_an_inactive_person_has_no_authority(supervisor):
    supervisor.is_active = False
    supervisor.save()

    assert not authority_of(supervisor).covers("refund", Decimal(1))


def test_the_approvable_condition_matches_exactly_the_remedies_covered(staff):
    covered = [
        RemedyFactory(kind="refund", amount=Decimal(50)),
        RemedyFactory(kind="store_credit", amount=Decimal(100)),
        RemedyFactory(kind="apology", amount=None),
    ]
    RemedyFactory(kind="refund", amount=Decimal("50.01"))
    RemedyFactory(kind="replacement", amount=Decimal(5))

    matched = Remedy.objects.filter(authority_of(staff).approvable_condition())

    assert set(matched) == set(covered)


def test_someone_without_authority_has_nothing_to_approve(db):
    RemedyFactory(kind="refund", amount=Decimal("0.01"))

    assert not Remedy.objects.filter(Authority({}).approvable_condition()).exists()


# --- Approvers -----------------------------------------------------------------------------------


def test_approvers_are_the_active_people_covering_the_remedy_but_not_its_proposer(
    staff, other_staff, supervisor, owner
):
    retired = UserFactory(group=roles.SUPERVISORS, is_active=False)
    limited = UserFactory(group=roles.SUPERVISORS)
    AuthorityLimit.objects.create(user=limited, remedy_kind="refund", max_amount=Decimal(100))
    remedy = RemedyFactory(kind="refund", amount=Decimal(300), proposed_by=supervisor)

    approvers = approvers_for(remedy)

    assert approvers == [owner]
    assert retired not in approvers


# --- Deciding ------------------------------------------------------------------------------------


def awaiting(proposer, amount="80") -> Remedy:
    """A complaint of the proposer's waiting for approval of a refund above their authority."""
    remedy = propose(proposer, "refund", amount)
    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    return remedy


def test_a_supervisor_approves_a_refund_above_staff_authority_and_the_proposer_is_told(
    staff, supervisor, sent, mailoutbox
):
    remedy = awaiting(staff)

    sent(services.decide_remedy, actor=supervisor, remedy=remedy, approve=True, note="Fair.")

    remedy.refresh_from_db()
    remedy.complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.APPROVED
    assert remedy.auto_approved is False
    assert (remedy.decided_by, remedy.decision_note) == (supervisor, "Fair.")
    assert remedy.decided_at is not None
    assert remedy.complaint.status == STATUS.INVESTIGATING
    assert recipients(mailoutbox) == [staff.email]
    assert "approved" in mailoutbox[0].subject


def test_a_rejection_returns_the_complaint_to_investigating_and_tells_the_proposer(
    staff, supervisor, sent, mailoutbox
):
    remedy = awaiting(staff)

    sent(
        services.decide_remedy,
        actor=supervisor,
        remedy=remedy,
        approve=False,
        note="Offer store credit instead.",
    )

    remedy.refresh_from_db()
    remedy.complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.REJECTED
    assert remedy.decided_by == supervisor
    assert remedy.complaint.status == STATUS.INVESTIGATING
    assert recipients(mailoutbox) == [staff.email]
    assert "rejected" in mailoutbox[0].subject
    assert "Offer store credit instead." in mailoutbox[0].body


def test_nobody_approves_above_their_own_authority(staff, other_staff):
    remedy = awaiting(staff)

    with pytest.raises(PermissionDenied):
        services.decide_remedy(actor=other_staff, remedy=remedy, approve=True)

    remedy.refresh_from_db()
    remedy.complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    assert remedy.decided_by is None
    assert remedy.complaint.status == STATUS.AWAITING_APPROVAL


def test_a_supervisor_cannot_approve_above_500_but_an_owner_can(staff, supervisor, owner):
    remedy = awaiting(staff, "600")

    with pytest.raises(PermissionDenied):
        services.decide_remedy(actor=supervisor, remedy=remedy, approve=True)
    services.decide_remedy(actor=owner, remedy=remedy, approve=True)

    remedy.refresh_from_db()
    assert remedy.decided_by == owner


def test_nobody_rejects_above_their_own_authority_either(staff, other_staff):
    remedy = awaiting(staff)

    with pytest.raises(PermissionDenied):
        services.decide_remedy(actor=other_staff, remedy=remedy, approve=False)

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED


def test_nobody_approves_their_own_proposal_even_with_unlimited_authority(owner):
    # given: the owner proposed while a personal limit held them to 10, since lifted
    personal = AuthorityLimit.objects.create(
        user=owner, remedy_kind="refund", max_amount=Decimal(10)
    )
    remedy = awaiting(owner)
    personal.delete()
    assert authority_of(owner).covers("refund", remedy.amount)

    # when / then
    with pytest.raises(PermissionDenied):
        services.decide_remedy(actor=owner, remedy=remedy, approve=True)

    remedy.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    assert remedy.decided_by is None


def test_a_decided_remedy_cannot_be_decided_again(staff, supervisor, owner):
    remedy = awaiting(staff)
    services.decide_remedy(actor=supervisor, remedy=remedy, approve=True)

    with pytest.raises(ComplaintError):
        services.decide_remedy(actor=owner, remedy=remedy, approve=False)

    remedy.refresh_from_db()
    assert (remedy.decision, remedy.decided_by) == (Remedy.Decision.APPROVED, supervisor)


def test_an_auto_approved_remedy_cannot_be_decided(staff, owner):
    remedy = propose(staff, "refund", "20")

    with pytest.raises(ComplaintError):
        services.decide_remedy(actor=owner, remedy=remedy, approve=False)

    remedy.refresh_from_db()
    assert (remedy.decision, remedy.decided_by) == (Remedy.Decision.APPROVED, staff)


def test_a_superuser_without_authority_rows_is_among_the_approvers(staff):
    admin = UserFactory(username="root", is_superuser=True)
    remedy = RemedyFactory(proposed_by=staff, kind="refund", amount=Decimal("5000"))
    assert admin in approvers_for(remedy)


# --- Money never rides on a free kind ------------------------------------------------------------


def test_a_front_line_other_of_99999_goes_to_approval_by_an_owner_only(
    staff, other_staff, supervisor, owner, sent, mailoutbox
):
    complaint = investigating(staff)

    remedy = sent(
        services.propose_remedy,
        actor=staff,
        complaint=complaint,
        kind="other",
        amount=Decimal(99_999),
    )

    remedy.refresh_from_db()
    complaint.refresh_from_db()
    assert remedy.decision == Remedy.Decision.PROPOSED
    assert remedy.auto_approved is False
    assert complaint.status == STATUS.AWAITING_APPROVAL
    # Supervisors may grant 500 of "other": only the owner's authority covers 99,999.
    assert approvers_for(remedy) == [owner]
    assert recipients(mailoutbox) == [owner.email]
    assert list(Remedy.objects.awaiting_approval_by(supervisor)) == []
    assert list(Remedy.objects.awaiting_approval_by(owner)) == [remedy]
    with pytest.raises(PermissionDenied):
        services.decide_remedy(actor=supervisor, remedy=remedy, approve=True)
    services.decide_remedy(actor=owner, remedy=remedy, approve=True)
    remedy.refresh_from_db()
    assert (remedy.decision, remedy.decided_by) == (Remedy.Decision.APPROVED, owner)


@pytest.mark.parametrize(("amount", "within"), [("25", True), ("25.01", False)])
def test_an_other_with_an_amount_counts_against_the_staff_limit_of_25(amount, within, staff):
    remedy = propose(staff, "other", amount)

    remedy.refresh_from_db()
    assert remedy.auto_approved is within
    assert remedy.decision == (Remedy.Decision.APPROVED if within else Remedy.Decision.PROPOSED)


def test_an_other_without_an_amount_is_a_gesture_within_everyones_authority(
    staff, supervisor, owner
):
    nobody = UserFactory()
    for person in (staff, supervisor, owner, nobody):
        assert authority_of(person).covers("other", None), person

    remedy = propose(staff, "other", None)

    remedy.refresh_from_db()
    assert (remedy.decision, remedy.auto_approved) == (Remedy.Decision.APPROVED, True)


@pytest.mark.parametrize("amount", ["5000", "0.01"])
def test_an_apology_with_an_amount_is_refused_even_for_an_owner(amount, owner):
    complaint = investigating(owner)

    with pytest.raises(ComplaintError, match="apology carries no amount"):
        propose(owner, "apology", amount, complaint)

    complaint.refresh_from_db()
    assert not Remedy.objects.exists()
    assert (complaint.status, complaint.version) == (STATUS.INVESTIGATING, 1)


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        ("refund", Decimal("NaN")),
        ("refund", Decimal("sNaN")),
        ("other", Decimal("Infinity")),
        ("gift", Decimal("-Infinity")),
        ("refund", Decimal("1e20")),
        ("refund", MAX_REMEDY_AMOUNT + Decimal("0.01")),
        ("refund", Decimal("-5")),
        ("other", Decimal("0")),
        ("refund", Decimal("10.001")),
        ("refund", 10.5),
        ("refund", "10"),
        ("refund", True),
        ("refund", None),
        ("bribe", Decimal("10")),
    ],
)
def test_no_figure_that_is_not_a_sane_amount_gets_through_even_unlimited_authority(
    kind, amount, owner
):
    complaint = investigating(owner)

    with pytest.raises(ComplaintError):
        services.propose_remedy(actor=owner, complaint=complaint, kind=kind, amount=amount)

    complaint.refresh_from_db()
    assert not Remedy.objects.exists()
    assert complaint.version == 1
    assert not authority_of(owner).covers(kind, amount)


def test_unlimited_authority_grants_up_to_the_largest_remedy_tend_accepts(owner):
    assert authority_of(owner).covers("other", MAX_REMEDY_AMOUNT)
    assert authority_of(owner).covers("refund", 12)
    assert not authority_of(owner).covers("apology", Decimal("0.01"))


def test_a_money_remedy_without_an_amount_is_within_nobodys_authority(owner, staff):
    # Only a row written around the service can be like this; nobody may approve it.
    remedy = RemedyFactory(kind="refund", amount=None, proposed_by=staff)

    assert not authority_of(owner).covers("refund", None)
    assert approvers_for(remedy) == []
    assert list(Remedy.objects.awaiting_approval_by(owner)) == []


AMOUNTS = [None, "0.01", "25", "25.01", "50", "500", "500.01", "99999", str(MAX_REMEDY_AMOUNT)]


def test_the_approval_queue_and_the_authority_agree_on_every_kind_and_amount(
    staff, supervisor, owner
):
    # given: one waiting remedy of every kind and amount the database accepts
    proposer = UserFactory()
    remedies = [
        RemedyFactory(
            kind=kind,
            amount=Decimal(amount) if amount is not None else None,
            proposed_by=proposer,
        )
        for kind in RemedyKind.values
        for amount in AMOUNTS
        if not (kind == RemedyKind.APOLOGY and amount is not None)
    ]
    assert any(remedy.kind in MONEY_REMEDIES and remedy.amount is None for remedy in remedies)
    personal = UserFactory(group=roles.FRONT_LINE_STAFF)
    AuthorityLimit.objects.create(user=personal, remedy_kind="other", max_amount=Decimal(0))
    # A remedy without an amount is within everyone's authority and never waits: only those
    # with an amount are ever sent to approvers.
    approvers = {remedy: approvers_for(remedy) for remedy in remedies if remedy.amount is not None}

    for person in (staff, supervisor, owner, personal, UserFactory()):
        authority = authority_of(person)
        # when
        matched = set(Remedy.objects.filter(authority.approvable_condition()))
        # then
        expected = {remedy for remedy in remedies if authority.covers(remedy.kind, remedy.amount)}
        assert matched == expected, person
        queue = set(Remedy.objects.awaiting_approval_by(person))
        assert queue == expected, person
        # My day counts them by their keys, a range of the index per ceiling: each once
        keys = [row["pk"] for row in Remedy.objects.keys_awaiting_approval_by(person, authority)]
        assert sorted(keys) == sorted(remedy.pk for remedy in expected), person
        for remedy, asked in approvers.items():
            assert (person in asked) == (remedy in expected), (person, remedy)


def test_my_day_counts_neither_ones_own_proposals_nor_decided_remedies(supervisor):
    # given: a remedy the supervisor could decide, one they proposed and one decided already
    waiting = RemedyFactory(kind="refund", amount=Decimal(80))
    RemedyFactory(kind="refund", amount=Decimal(80), proposed_by=supervisor)
    RemedyFactory(kind="refund", amount=Decimal(80), decision=Remedy.Decision.APPROVED)
    # when
    keys = Remedy.objects.keys_awaiting_approval_by(supervisor, authority_of(supervisor))
    # then
    assert [row["pk"] for row in keys] == [waiting.pk]
