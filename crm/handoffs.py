"""Handoffs: work offered to a new owner, who must accept it before it changes hands.

The mechanism is the same for every kind of work (a complaint, an onboarding): an offer with a
mandatory note, accepted (the receiver becomes the owner) or declined with a reason (the work
stays with the sender, who reads why). The sender stays accountable until the receiver accepts.
Each app declares a concrete model on ``HandoffBase`` with its subject's foreign key, the
``related_name`` of ``to_user``, and its constraints and indexes. This module imports no app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.forms import DECLINE_REASON_MAX_LENGTH
from crm.text import validate_single_line

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

    def pending(self):
        """Keep the handoffs neither accepted nor declined yet."""
        return self.filter(PENDING)

    def offered_to(self, user):
        """Keep the pending handoffs made to the user, oldest first, with what the list shows."""
        return (
            self.pending()
            .filter(to_user=user)
            .select_related(*self.list_related)
            .order_by("created_at")
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
    note = models.TextField(_("note for the receiver"))
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    # Claimed by the deadline ladder so that each reminder and escalation goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None

    @property
    def is_declined(self) -> bool:
        return self.declined_at is not None
