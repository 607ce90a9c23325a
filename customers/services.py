"""State changes of customers, the contact log and follow-up commitments.

Each service checks that the actor may act (views check too), runs in one transaction and
returns the main object. Domain refusals raise the exceptions below, which views show as
messages or form errors.
"""

import difflib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from crm.calendar import BusinessCalendar, add_business_minutes, business_minutes_between
from crm.notices import notify
from crm.people import require
from customers.extensions import open_work_condition
from customers.messaging import services as messaging
from customers.models import (
    KEEPING_OUTCOMES,
    Channel,
    Contact,
    Customer,
    FollowUp,
    FollowUpReschedule,
    Interaction,
    QuickOutcome,
)
from customers.permissions import can_manage_follow_up
from customers.text import normalise_phone, search_key

# Rows per INSERT statement of a bulk import (SQLite allows 32,766 parameters per statement).
IMPORT_BATCH_SIZE = 500
# How long the person who marked a follow-up done may undo it (a mis-tap, the wrong row).
UNDO_WINDOW = timedelta(minutes=1)


class StaleEditError(Exception):
    """Someone else saved the record after the actor opened it."""


class FollowUpError(Exception):
    """The follow-up cannot make this change (e.g. it is already done)."""


class ArchiveError(Exception):
    """The customer cannot be archived or restored now (e.g. work for them is still open)."""


class ContactError(Exception):
    """The contact cannot make this change (e.g. removing someone named in the record)."""


ARCHIVE_CUSTOMER = "customers.archive_customer"
# Kept as they are by every edit: only archive_customer and restore_customer move them.
ARCHIVE_FIELDS = ("archived_at", "archived_by", "archive_reason")


# --- Customers ---------------------------------------------------------------------------------


def _date_a_new_active_customer(customer: Customer) -> None:
    if customer.status == Customer.Status.ACTIVE and not customer.became_customer_on:
        customer.became_customer_on = timezone.localdate()


def _date_a_regained_customer(customer: Customer, was: str) -> None:
    """Date a former customer made active again from today, unless a later date was typed.

    Retention counts a customer active from ``became_customer_on`` until a loss after it
    (customers/retention_reports.py): without this, a regained customer would count as lost still.
    """
    regained = was == Customer.Status.FORMER and customer.status == Customer.Status.ACTIVE
    if (
        regained
        and customer.lost_on
        and (not customer.became_customer_on or customer.became_customer_on <= customer.lost_on)
    ):
        customer.became_customer_on = max(
            timezone.localdate(), customer.lost_on + timedelta(days=1)
        )


@transaction.atomic
def create_customer(*, actor, customer: Customer) -> Customer:
    """Save a new customer typed in by the actor."""
    require(actor.has_perm("customers.add_customer"), _("You may not add customers."))
    _date_a_new_active_customer(customer)
    customer.save()
    return customer


@transaction.atomic
def import_customers(*, actor, new: list[Customer], changed: list[Customer]) -> None:
    """Save customers read from a file: new ones in bulk inserts, changed ones one by one.

    The bulk path skips Customer.save(), so it fills the derived fields and the history rows
    itself; the changed ones go through update_customer() for its version check.
    """
    require(actor.has_perm("customers.add_customer"), _("You may not add customers."))
    for customer in new:
        _date_a_new_active_customer(customer)
        customer.set_derived_fields()
    bulk_create_with_history(new, Customer, batch_size=IMPORT_BATCH_SIZE, default_user=actor)
    for customer in changed:
        customer._history_user = actor
        # The version read with the row is the one expected: an edit made since is not lost.
        update_customer(actor=actor, customer=customer, expected_version=customer.version)


@transaction.atomic
def update_customer(*, actor, customer: Customer, expected_version: int) -> Customer:
    """Save the actor's edit unless someone else saved the customer since it was opened."""
    require(actor.has_perm("customers.change_customer"), _("You may not edit customers."))
    current = (
        Customer.objects.select_for_update()
        .only("version", "status", *ARCHIVE_FIELDS)
        .get(pk=customer.pk)
    )
    if current.version != expected_version:
        raise StaleEditError(_("Someone else saved this customer while you were editing it."))
    # An edit never archives or restores: a record reverted from its history page would
    # otherwise bring back an old archive state without the archive service's checks.
    for field in ARCHIVE_FIELDS:
        setattr(customer, field, getattr(current, field))
    _date_a_new_active_customer(customer)
    _date_a_regained_customer(customer, was=current.status)
    customer.version = current.version + 1
    customer.save()
    return customer


@transaction.atomic
def archive_customer(*, actor, customer: Customer, reason: str = "") -> Customer:
    """Set the customer aside with their whole history, out of the everyday lists and search.

    Customers with history are archived, never deleted. Supervisors and owners may archive
    (the ``customers.archive_customer`` permission); open work must be finished or handed on
    first, so that nothing anyone promised disappears with the customer.
    """
    require(actor.has_perm(ARCHIVE_CUSTOMER), _("You may not archive customers."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_archived:
        raise ArchiveError(_("%(name)s is already archived.") % {"name": customer})
    if Customer.objects.filter(pk=customer.pk).filter(open_work_condition()).exists():
        raise ArchiveError(
            _(
                "%(name)s still has open work (follow-ups, complaints or an onboarding): "
                "finish, cancel or hand it on before archiving."
            )
            % {"name": customer}
        )
    customer.archived_at = timezone.now()
    customer.archived_by = actor
    customer.archive_reason = reason
    return _save_archive_state(customer, actor=actor)


@transaction.atomic
def restore_customer(*, actor, customer: Customer) -> Customer:
    """Bring an archived customer back into the everyday lists and search."""
    require(actor.has_perm(ARCHIVE_CUSTOMER), _("You may not restore archived customers."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.is_archived:
        raise ArchiveError(_("%(name)s is not archived.") % {"name": customer})
    customer.archived_at = None
    customer.archived_by = None
    customer.archive_reason = ""
    return _save_archive_state(customer, actor=actor)


def _save_archive_state(customer: Customer, *, actor) -> Customer:
    # The version moves on, so an edit form opened before cannot silently undo the change.
    customer.version += 1
    customer._history_user = actor
    customer.save(update_fields=[*ARCHIVE_FIELDS, "version"])
    return customer


def find_duplicates(
    *, name: str = "", email: str = "", phone: str = "", exclude_pk: int | None = None
) -> list[Customer]:
    """Return existing customers that are probably the same: same email, phone or similar name."""
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email) | Q(contacts__email__iexact=email)
    if normalised := normalise_phone(phone):
        condition |= Q(phone_normalised=normalised) | Q(contacts__phone_normalised=normalised)
    key = search_key(name)
    if key:
        condition |= Q(search_name=key)
    found = Customer.objects.filter(condition).exclude(pk=exclude_pk).distinct()[:10]
    matches = {customer.pk: customer for customer in found}
    if key and len(matches) < 10:
        for customer in _similar_names(key, exclude_pk):
            matches.setdefault(customer.pk, customer)
    return list(matches.values())[:10]


def _similar_names(key: str, exclude_pk: int | None) -> list[Customer]:
    """Return customers whose name is spelled almost the same (typos, missing letters)."""
    candidates = Customer.objects.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            candidates.annotate(similarity=TrigramSimilarity("search_name", key))
            .filter(similarity__gte=0.55)
            .order_by("-similarity")[:5]
        )
    # Without trigrams: compare against names that share the first three letters.
    pool = candidates.filter(search_name__startswith=key[:3])[:200]
    return [
        customer
        for customer in pool
        if difflib.SequenceMatcher(None, key, customer.search_name).ratio() >= 0.85
    ][:5]


# --- People of a customer ------------------------------------------------------------------------


@transaction.atomic
def add_contact(*, actor, customer: Customer, contact: Contact) -> Contact:
    """Record a person at the customer's; made primary, they take over from the former one."""
    require(actor.has_perm("customers.add_contact"), _("You may not add contacts."))
    contact.customer = _locked_current(customer)
    return _save_contact(contact, actor=actor)


@transaction.atomic
def update_contact(*, actor, contact: Contact) -> Contact:
    """Save the actor's edit of a person; made primary, they take over from the former one."""
    require(actor.has_perm("customers.change_contact"), _("You may not edit contacts."))
    _locked_current(contact.customer)
    return _save_contact(contact, actor=actor)


@transaction.atomic
def remove_contact(*, actor, contact: Contact) -> None:
    """Remove a person from the customer's record, unless the record names them.

    Someone named in the contact log or on a complaint stays, so that the history keeps saying
    who was spoken to; edit them instead (their role: "left in May").
    """
    require(actor.has_perm("customers.delete_contact"), _("You may not remove contacts."))
    _locked_current(contact.customer)
    contact._history_user = actor
    try:
        contact.delete()
    except ProtectedError as error:
        raise ContactError(
            _(
                "%(name)s is named in the contact log or on a complaint, so they stay on the "
                "record. Edit them instead, e.g. their role: “left the company”."
            )
            % {"name": contact}
        ) from error


def _locked_current(customer: Customer) -> Customer:
    """Lock the customer, so that two changes to their people (the primary) queue up."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.is_archived:
        raise ContactError(_("%(name)s is archived: restore them first.") % {"name": locked})
    return locked


def _save_contact(contact: Contact, *, actor) -> Contact:
    if contact.is_primary:
        # One primary per customer (a constraint): the former one steps down first.
        for former in contact.customer.contacts.filter(is_primary=True).exclude(pk=contact.pk):
            former.is_primary = False
            former._history_user = actor
            former.save(update_fields=["is_primary"])
    contact._history_user = actor
    contact.save()
    return contact


# --- The contact log ----------------------------------------------------------------------------


@transaction.atomic
def log_interaction(
    *,
    actor,
    customer: Customer,
    summary: str,
    channel: str = Channel.PHONE,
    direction: str = Interaction.Direction.INBOUND,
    what_we_heard: str = "",
    is_positive: bool = False,
    contact: Contact | None = None,
    occurred_at: datetime | None = None,
    needs_callback: bool = False,
) -> tuple[Interaction, FollowUp | None]:
    """Record one touchpoint; with needs_callback, also commit the actor to calling back.

    The callback is due within the response target (CALLBACK_RESPONSE_MINUTES business
    minutes) from when the request came in; that is the time the actor may promise.
    """
    require(actor.has_perm("customers.add_interaction"), _("You may not log contacts."))
    interaction = build_interaction(
        customer=customer,
        contact=contact,
        staff=actor,
        channel=channel,
        direction=direction,
        summary=summary,
        what_we_heard=what_we_heard,
        is_positive=is_positive,
        occurred_at=occurred_at or timezone.now(),
    )
    # The history names the actor also when no request is running (a task, the shell).
    interaction._history_user = actor
    interaction.save()
    callback = None
    if needs_callback:
        callback = create_follow_up(
            actor=actor,
            customer=customer,
            owner=actor,
            kind=FollowUp.Kind.CALLBACK,
            subject=_("Call back: %(summary)s") % {"summary": summary},
            due_at=callback_due_at(interaction.occurred_at),
            promised_to_customer=True,
            channel=channel if channel in {Channel.PHONE, Channel.VIDEO} else Channel.PHONE,
            source=interaction,
        )
        messaging.tell_callback_booked(follow_up=callback, contact=contact)
    return interaction, callback


def build_interaction(
    *,
    customer: Customer,
    staff,
    summary: str,
    occurred_at: datetime,
    channel: str = Channel.PHONE,
    direction: str = Interaction.Direction.INBOUND,
    what_we_heard: str = "",
    is_positive: bool = False,
    contact: Contact | None = None,
) -> Interaction:
    """Return the unsaved row log_interaction saves; demo and scale data insert it in bulk."""
    return Interaction(
        customer=customer,
        contact=contact,
        staff=staff,
        channel=channel,
        direction=direction,
        summary=summary,
        what_we_heard=what_we_heard,
        is_positive=is_positive,
        occurred_at=occurred_at,
    )


def callback_due_at(received_at: datetime) -> datetime:
    """Return when a callback for a request received then is due."""
    return add_business_minutes(received_at, settings.CALLBACK_RESPONSE_MINUTES)


# --- Follow-up commitments -----------------------------------------------------------------------


@transaction.atomic
def create_follow_up(
    *,
    actor,
    customer: Customer,
    owner,
    kind: str,
    subject: str,
    due_at: datetime,
    promised_to_customer: bool = False,
    channel: str = "",
    source=None,
) -> FollowUp:
    """Commit someone to doing something for the customer by a due time."""
    return add_follow_up(
        actor=actor,
        follow_up=build_follow_up(
            customer=customer,
            owner=owner,
            kind=kind,
            subject=subject,
            due_at=due_at,
            promised_to_customer=promised_to_customer,
            channel=channel,
            created_by=actor,
            source=source,
            now=timezone.now(),
        ),
    )


@transaction.atomic
def add_follow_up(*, actor, follow_up: FollowUp) -> FollowUp:
    """Save a commitment built by build_follow_up (or a builder on it); its owner is told."""
    require(actor.has_perm("customers.add_followup"), _("You may not create follow-ups."))
    require(follow_up.owner.is_active, _("Inactive people cannot own follow-ups."))
    follow_up.save()
    _tell_new_owner(follow_up, assigned_by=actor)
    return follow_up


def build_follow_up(
    *,
    customer: Customer,
    owner,
    kind: str,
    subject: str,
    due_at: datetime,
    created_by,
    now: datetime,
    promised_to_customer: bool = False,
    channel: str = "",
    source=None,
) -> FollowUp:
    """Return the unsaved commitment create_follow_up saves, made and assigned at ``now``.

    Demo and scale data build their rows here too, so a field added to commitments is filled
    the same way for them; the source may be any saved row (or None).
    """
    return FollowUp(
        customer=customer,
        owner=owner,
        kind=kind,
        subject=subject,
        due_at=due_at,
        promised_to_customer=promised_to_customer,
        channel=channel,
        created_by=created_by,
        created_at=now,
        assigned_at=now,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )


def _locked_open(follow_up: FollowUp, *, actor, refusal: str) -> FollowUp:
    """Lock the follow-up's row and check that the actor may act on it and it is still open."""
    locked = FollowUp.objects.select_for_update().select_related("customer").get(pk=follow_up.pk)
    # Judge the locked row, not the caller's copy: it may predate a reassignment.
    require(can_manage_follow_up(actor, locked), refusal)
    if not locked.is_open:
        raise FollowUpError(
            _("This follow-up is already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def complete_follow_up(
    *,
    actor,
    follow_up: FollowUp,
    outcome: str,
    interaction_channel: str = "",
    interaction_is_positive: bool = False,
) -> FollowUp:
    """Mark the commitment kept with its outcome; with a channel, log the contact it took too."""
    follow_up = _locked_open(
        follow_up, actor=actor, refusal=_("This follow-up is not yours to complete.")
    )
    if follow_up.is_completed_at_source:
        raise FollowUpError(_("Record this check-in on its complaint: it closes or reopens it."))
    now = timezone.now()
    mark_done(follow_up, by=actor, at=now, outcome=outcome)
    follow_up.save(
        update_fields=["status", "completed_at", "completed_by", "outcome", "response_minutes"]
    )
    if interaction_channel:
        positive = interaction_is_positive or follow_up.kind == FollowUp.Kind.KEEP_IN_TOUCH
        log_interaction(
            actor=actor,
            customer=follow_up.customer,
            summary=follow_up.subject,
            channel=interaction_channel,
            direction=Interaction.Direction.OUTBOUND,
            what_we_heard=outcome,
            is_positive=positive,
            occurred_at=now,
        )
    return follow_up


@transaction.atomic
def record_outcome(*, actor, follow_up: FollowUp, outcome: str) -> FollowUp:
    """Record a one-tap outcome of working the follow-up.

    Reaching the customer keeps the commitment and logs the contact; "Done" keeps one that
    needs no contact. Leaving a message or getting no answer is an attempt: it is logged as a
    contact, and the commitment stays open (and due) until the customer is reached.
    """
    outcome = QuickOutcome(outcome)
    if outcome in KEEPING_OUTCOMES:
        return complete_follow_up(
            actor=actor,
            follow_up=follow_up,
            outcome=str(outcome.label),
            interaction_channel=(follow_up.channel or Channel.PHONE)
            if outcome == QuickOutcome.REACHED
            else "",
        )
    follow_up = _locked_open(
        follow_up, actor=actor, refusal=_("This follow-up is not yours to work.")
    )
    summary = f"{outcome.label}: {follow_up.subject}"
    log_interaction(
        actor=actor,
        customer=follow_up.customer,
        summary=summary[: Interaction._meta.get_field("summary").max_length],
        channel=follow_up.channel or Channel.PHONE,
        direction=Interaction.Direction.OUTBOUND,
    )
    return follow_up


@transaction.atomic
def reopen_follow_up(*, actor, follow_up: FollowUp) -> FollowUp:
    """Undo marking the follow-up done: open it again and take back the contact it logged.

    Only the person who marked it done may, and only within UNDO_WINDOW of doing it: the undo
    is for a slip of the thumb, not a way to rewrite what happened.
    """
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    require(can_manage_follow_up(actor, locked), _("This follow-up is not yours to reopen."))
    if locked.status != FollowUp.Status.DONE:
        raise FollowUpError(_("This follow-up is not done, so there is nothing to undo."))
    require(
        locked.completed_by_id == actor.pk, _("Only the person who marked it done may undo it.")
    )
    if locked.is_completed_at_source:
        raise FollowUpError(_("This check-in was recorded on its complaint; reopen it there."))
    if locked.completed_at < timezone.now() - UNDO_WINDOW:
        raise FollowUpError(
            _("Too late to undo; add a new follow-up if there is more to do for the customer.")
        )
    # The contact complete_follow_up logged with it: same person, customer and moment.
    Interaction.objects.filter(
        customer_id=locked.customer_id,
        staff=actor,
        occurred_at=locked.completed_at,
        direction=Interaction.Direction.OUTBOUND,
        summary=locked.subject,
    ).delete()
    locked.status = FollowUp.Status.OPEN
    locked.completed_at = None
    locked.completed_by = None
    locked.outcome = ""
    locked.response_minutes = None
    locked._history_user = actor
    try:
        with transaction.atomic():
            locked.save(
                update_fields=[
                    "status",
                    "completed_at",
                    "completed_by",
                    "outcome",
                    "response_minutes",
                ]
            )
    except IntegrityError:
        # Its customer got a new keep-in-touch follow-up meanwhile: only one may be open.
        raise FollowUpError(
            _("The customer has a newer open follow-up of this kind; work that one instead.")
        ) from None
    return locked


def mark_done(
    follow_up: FollowUp,
    *,
    by,
    at: datetime,
    outcome: str,
    calendar: BusinessCalendar | None = None,
) -> None:
    """Record the commitment kept (unsaved): complete_follow_up's change, for seeds too.

    A callback also records its response time in business minutes (reports take its median);
    seeds marking many pass the calendar, which otherwise costs two queries to load.
    """
    follow_up.status = FollowUp.Status.DONE
    follow_up.completed_at = at
    follow_up.completed_by = by
    follow_up.outcome = outcome
    if follow_up.kind == FollowUp.Kind.CALLBACK:
        follow_up.response_minutes = business_minutes_between(
            follow_up.created_at, at, calendar=calendar
        )


@transaction.atomic
def reschedule_follow_up(
    *,
    actor,
    follow_up: FollowUp,
    due_at: datetime,
    reason: str,
    customer_told: bool | None = None,
) -> FollowUp:
    """Move the due time, recording why; moving a promised time records if the customer knows."""
    follow_up = _locked_open(
        follow_up, actor=actor, refusal=_("This follow-up is not yours to move.")
    )
    if follow_up.promised_to_customer and customer_told is None:
        raise FollowUpError(
            _("The time was promised to the customer: say whether they were told of the move.")
        )
    FollowUpReschedule.objects.create(
        follow_up=follow_up,
        old_due_at=follow_up.due_at,
        new_due_at=due_at,
        reason=reason,
        customer_told=customer_told if follow_up.promised_to_customer else None,
        changed_by=actor,
    )
    follow_up.due_at = due_at
    # A new due time earns a fresh reminder and escalation if it is missed again.
    follow_up.overdue_notified_at = None
    follow_up.escalated_at = None
    follow_up.save(update_fields=["due_at", "overdue_notified_at", "escalated_at"])
    return follow_up


@transaction.atomic
def reassign_follow_up(*, actor, follow_up: FollowUp, owner) -> FollowUp:
    """Give the commitment to someone else, who is told."""
    follow_up = _locked_open(
        follow_up, actor=actor, refusal=_("This follow-up is not yours to pass on.")
    )
    if owner.pk == follow_up.owner_id:
        raise FollowUpError(_("%(name)s already owns this follow-up.") % {"name": owner})
    require(owner.is_active, _("Inactive people cannot own follow-ups."))
    follow_up.owner = owner
    follow_up.assigned_at = timezone.now()
    follow_up.overdue_notified_at = None
    follow_up.escalated_at = None
    follow_up.save(update_fields=["owner", "assigned_at", "overdue_notified_at", "escalated_at"])
    _tell_new_owner(follow_up, assigned_by=actor)
    return follow_up


def _tell_new_owner(follow_up: FollowUp, *, assigned_by) -> None:
    if follow_up.owner_id == assigned_by.pk:
        return  # Nobody needs telling about work they gave themselves.
    due = timezone.localtime(follow_up.due_at)
    notify(
        user=follow_up.owner,
        subject=_("New follow-up for you: %(subject)s") % {"subject": follow_up.subject},
        body=_("%(by)s gave you a follow-up for %(customer)s, due %(due)s.")
        % {
            "by": assigned_by.get_full_name() or assigned_by.get_username(),
            "customer": follow_up.customer,
            "due": f"{due:%a %d %b %H:%M}",
        },
        path=follow_up.get_absolute_url(),
    )
