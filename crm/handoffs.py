"""Handoffs: work offered to a new owner, who must accept it before it changes hands.

The mechanism is the same for every kind of work (a complaint, an onboarding): an offer with a
mandatory note, accepted (the receiver becomes the owner) or declined with a reason (the work
stays with the sender, who reads why). The sender stays accountable until the receiver accepts.
Each app declares a concrete model on ``HandoffBase`` with its subject's foreign key, the
``related_name`` of ``to_user``, and its constraints and indexes. This module imports no app.
"""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.forms import DECLINE_REASON_MAX_LENGTH
from crm.ladder import Ladder
from crm.notices import notify
from crm.paths import path_for
from crm.people import require
from crm.text import PERSON_NAME_FIELDS, person_name, validate_single_line

# Neither accepted nor declined: the condition of pending(), is_pending, the partial indexes and
# the one-pending-per-subject constraints (those must stay Q objects in each model's Meta).
PENDING = models.Q(accepted_at__isnull=True, declined_at__isnull=True)

# Marks of the deadline ladder: bookkeeping, not history. Each concrete model declares
# ``history = HistoricalRecords(excluded_fields=LADDER_FIELDS)``.
LADDER_FIELDS = ["reminded_at", "escalated_at"]


class HandoffQuerySet(models.QuerySet):
    # What a list of offers shows besides the handoff itself; a concrete queryset names its
    # subject (e.g. "complaint__customer").
    list_related: tuple[str, ...] = ("from_user",)
    # All that an offer's row (crm/rows/handoff_offer.html) reads, of the handoff and of what
    # list_related joins; a concrete queryset adds its subject's. Reading whole rows of five
    # tables made a busy person's offers the dearest rows of My day to fetch.
    offer_fields: tuple[str, ...] = (
        "note",
        "created_at",
        "from_user",
        *(f"from_user__{name}" for name in PERSON_NAME_FIELDS),
    )
    # The subjects that can still change hands, the condition of each kind's finished() as a
    # query (e.g. a complaint not closed); returned_to lists only declines of those.
    subject_open = models.Q()

    def pending(self):
        """Keep the handoffs neither accepted nor declined yet."""
        return self.filter(PENDING)

    def accepted(self):
        """Keep the handoffs the receiver accepted."""
        return self.filter(accepted_at__isnull=False)

    def declined(self):
        """Keep the handoffs declined by the receiver (or withdrawn when the work finished)."""
        return self.filter(declined_at__isnull=False)

    def offered_to(self, user):
        """Keep the pending handoffs made to the user, oldest first, with what the list shows."""
        return (
            self.pending()
            .filter(to_user=user)
            .select_related(*self.list_related)
            .only(*self.offer_fields)
            .order_by("created_at")
        )

    def returned_to(self, user, *, since):
        """Keep the user's offers declined since a moment, newest first, with their reasons.

        Only those the sender has still to act on: the subject can still change hands and
        was not offered again after the decline.
        """
        field = self.model.subject_field
        offered_again = self.model.objects.filter(
            **{field: models.OuterRef(field), "created_at__gt": models.OuterRef("created_at")}
        )
        return (
            self.declined()
            .filter(self.subject_open, from_user=user, declined_at__gte=since)
            .exclude(models.Exists(offered_again))
            .select_related(*self.list_related, "to_user")
            .order_by("-declined_at", "-pk")
        )

    def newest(self):
        """Return the newest handoff, with what its page shows, or None."""
        return (
            self.select_related(*self.list_related, "to_user")
            .order_by("-created_at", "-pk")
            .first()
        )


class HandoffBase(models.Model):
    """An offer of work to a new owner; the sender stays owner until the receiver accepts."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Concrete models override it to give their own related_name (one reverse per model).
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(gettext_lazy("note for the receiver"))
    created_at = models.DateTimeField(gettext_lazy("offered"), default=timezone.now)
    accepted_at = models.DateTimeField(gettext_lazy("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(gettext_lazy("declined"), null=True, blank=True)
    decline_reason = models.CharField(
        gettext_lazy("reason for declining"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    # Claimed by the deadline ladder so that each reminder and escalation goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The concrete model's foreign key to what is handed over, e.g. "complaint".
    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    # The apps name their answer URLs alike, under their app label: "<app>:handoff_accept".
    @property
    def accept_url(self) -> str:
        return path_for(f"{self._meta.app_label}:handoff_accept", self.pk)

    @property
    def decline_url(self) -> str:
        return path_for(f"{self._meta.app_label}:handoff_decline", self.pk)

    @property
    def subject_title(self) -> str:
        """Name the subject in a list of offers (its list_related joins what it reads)."""
        raise NotImplementedError

    @property
    def subject_detail(self) -> str:
        """Say more about the subject in a list of offers, after its title."""
        raise NotImplementedError

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None

    @property
    def is_declined(self) -> bool:
        return self.declined_at is not None

    @property
    def decline_reason_max_length(self) -> int:
        return DECLINE_REASON_MAX_LENGTH

    def is_addressed_to(self, user) -> bool:
        """Tell whether the user may answer: only the receiver accepts or declines."""
        return self.to_user_id == user.pk


# --- The flow -----------------------------------------------------------------------------------

NOT_ADDRESSED = gettext_lazy("This handoff is addressed to someone else.")


class HandoffKind:
    """What one kind of handoff hands over; each app declares one beside its services.

    The flow below holds the rules every handoff keeps; a kind answers what differs: which row
    to lock, whether the work is finished, who may offer and receive it, how ownership moves,
    what the subject's timeline records and what the notices say.
    """

    model: type[HandoffBase]
    # Raised for refusals the person can act on; the app's views show it as a message.
    error: type[Exception]
    # What the receiver reads after answering.
    accepted_text: str
    declined_text: str = gettext_lazy("Declined; it stays with the sender, who is told why.")

    def lock(self, subject, *, expected_version: int | None = None):
        """Return the subject's row locked for update."""
        raise NotImplementedError

    def finished(self, subject) -> str:
        """Say why the subject can no longer change hands, or return "" while it can."""
        raise NotImplementedError

    def may_offer(self, actor, subject) -> bool:
        """Tell whether the actor may offer the subject to someone (else: PermissionDenied)."""
        raise NotImplementedError

    # Why may_offer said no, for the 403 page.
    offer_forbidden: str = gettext_lazy("Only the owner or a supervisor may hand it over.")

    def check_offer(self, subject, *, to_user, fields: dict) -> dict:
        """Refuse a receiver or an offer the kind does not allow (raise its error).

        Return the model fields to store with the handoff besides the shared ones.
        """
        raise NotImplementedError

    def offered(self, subject, handoff, *, actor) -> None:
        """Finish the offer on the subject's side, once stored (nothing by default)."""

    def take_over(self, subject, handoff, *, actor, now) -> None:
        """Make the actor the subject's owner (the flow has marked the handoff accepted)."""
        raise NotImplementedError

    def offer_subject(self, subject) -> str:
        """Return the receiver's notice subject line."""
        raise NotImplementedError

    def decline_subject(self, handoff, *, actor) -> str:
        """Return the sender's notice subject line when the receiver declines."""
        raise NotImplementedError

    def record(self, subject, *, actor, text: str) -> None:
        """Write a step of the handoff on the subject's timeline (none by default)."""


def shown_on_page(kind: HandoffKind, subject):
    """Return the handoff the subject's page shows, or None (crm/_handoff_status.html).

    The offer waiting for an answer; else the last one declined, with its reason, while the
    subject can still change hands: the sender reads why and finds someone else.
    """
    newest = kind.model.objects.filter(**{kind.model.subject_field: subject}).newest()
    if newest is None or newest.accepted_at is not None:
        return None
    if newest.is_declined and kind.finished(subject):
        return None
    return newest


def _locked_handoff(kind: HandoffKind, handoff, *, actor):
    handoff = kind.model.objects.select_for_update().get(pk=handoff.pk)
    require(handoff.is_addressed_to(actor), str(NOT_ADDRESSED))
    return handoff


def _refuse_if_finished(kind: HandoffKind, subject) -> None:
    reason = kind.finished(subject)
    if reason:
        raise kind.error(reason)


def _refuse_if_answered(kind: HandoffKind, handoff) -> None:
    if not handoff.is_pending:
        raise kind.error(_("This handoff was answered already."))


def build_offer(kind: HandoffKind, *, subject, to_user, note: str, at=None, **stored):
    """Return the unsaved offer that offer_handoff saves: from the subject's owner to to_user.

    The demo and scale data build their offers here too, so that they hold what a real one does.
    """
    return kind.model(
        **{kind.model.subject_field: subject},
        from_user=subject.owner,
        to_user=to_user,
        note=note,
        created_at=at or timezone.now(),
        **stored,
    )


@transaction.atomic
def offer_handoff(
    kind: HandoffKind,
    *,
    actor,
    subject,
    to_user,
    note: str,
    expected_version: int | None = None,
    **fields,
):
    """Offer the subject to to_user with a note; its owner stays accountable until they accept.

    ``fields`` are what the kind stores besides the shared fields (an onboarding's step).
    """
    subject = kind.lock(subject, expected_version=expected_version)
    require(kind.may_offer(actor, subject), str(kind.offer_forbidden))
    _refuse_if_finished(kind, subject)
    if not note.strip():
        raise kind.error(
            _("Tell the receiver what was promised to the customer and what they expect next.")
        )
    if to_user.pk == subject.owner_id:
        raise kind.error(_("%(name)s owns it already.") % {"name": person_name(to_user)})
    stored = kind.check_offer(subject, to_user=to_user, fields=fields)
    # The one-pending constraint would refuse it too; this says so in words.
    if kind.model.objects.filter(**{kind.model.subject_field: subject}).pending().exists():
        raise kind.error(_("A handoff is already waiting for an answer."))
    handoff = build_offer(kind, subject=subject, to_user=to_user, note=note, **stored)
    handoff.save()
    kind.offered(subject, handoff, actor=actor)
    kind.record(
        subject,
        actor=actor,
        text=_("Offered to %(name)s: %(note)s") % {"name": person_name(to_user), "note": note},
    )
    notify(
        user=to_user,
        subject=kind.offer_subject(subject),
        body=note,
        path=subject.get_absolute_url(),
    )
    return handoff


@transaction.atomic
def accept_handoff(kind: HandoffKind, *, actor, handoff):
    """Take the subject over: from now on the receiver owns it; return the subject.

    Refused once the subject is finished, even for an offer made before: its owner would
    change while nothing is left to do.
    """
    # The subject's row first, then the handoff's: the order offer_handoff locks them in.
    subject = kind.lock(getattr(handoff, kind.model.subject_field))
    handoff = _locked_handoff(kind, handoff, actor=actor)
    _refuse_if_finished(kind, subject)
    _refuse_if_answered(kind, handoff)
    now = timezone.now()
    handoff.accepted_at = now
    handoff.save(update_fields=["accepted_at"])
    previous = subject.owner
    kind.take_over(subject, handoff, actor=actor, now=now)
    kind.record(
        subject,
        actor=actor,
        text=_("%(new)s took over from %(old)s.")
        % {"new": person_name(actor), "old": person_name(previous)},
    )
    return subject


@transaction.atomic
def decline_handoff(kind: HandoffKind, *, actor, handoff, reason: str):
    """Decline the subject; it stays with the sender, who is told why. Return the handoff.

    Allowed whatever the subject's state: saying no never changes who owns it.
    """
    if not reason.strip():
        raise kind.error(_("Say why you decline, so the sender can find someone else."))
    handoff = _locked_handoff(kind, handoff, actor=actor)
    _refuse_if_answered(kind, handoff)
    handoff.declined_at = timezone.now()
    handoff.decline_reason = reason
    handoff.save(update_fields=["declined_at", "decline_reason"])
    subject = getattr(handoff, kind.model.subject_field)
    kind.record(
        subject,
        actor=actor,
        text=_("%(name)s declined: %(reason)s") % {"name": person_name(actor), "reason": reason},
    )
    notify(
        user=handoff.from_user,
        subject=kind.decline_subject(handoff, actor=actor),
        body=reason,
        path=subject.get_absolute_url(),
    )
    return handoff


def withdraw_handoffs(kind: HandoffKind, subject, *, actor, reason: str, now=None) -> None:
    """Withdraw the offer waiting for an answer, saying why; it leaves the receiver's My day.

    Called, inside the caller's transaction, by whatever finishes the subject.
    """
    now = now or timezone.now()
    pending = kind.model.objects.filter(**{kind.model.subject_field: subject}).pending()
    # Saved one by one (there is at most one) so that the handoff's history records it.
    for handoff in pending.select_related("to_user"):
        handoff.declined_at = now
        handoff.decline_reason = reason
        handoff.save(update_fields=["declined_at", "decline_reason"])
        kind.record(
            subject,
            actor=actor,
            text=_("Offer to %(name)s withdrawn: %(reason)s")
            % {"name": person_name(handoff.to_user), "reason": reason},
        )


def unanswered_ladder(*, name: str, wait_setting: str, grace_setting: str, **declared) -> Ladder:
    """Return the deadline ladder of offers left unanswered: the receiver is reminded the wait
    after the offer, then supervisors are told the grace after that.

    ``declared`` names what differs per kind: label, counted, due, describe and related.
    """
    return Ladder(
        name=name,
        notified_field="reminded_at",
        escalated_field="escalated_at",
        start_field="created_at",
        wait_setting=wait_setting,
        grace_setting=grace_setting,
        owner_field="to_user_id",
        # Offers waiting for an answer are listed on My day.
        link=lambda: reverse("crm:my_day"),
        **declared,
    )
