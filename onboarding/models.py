from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm import trigram_search
from crm.choices import ChoiceLabels
from crm.handoffs import LADDER_FIELDS, PENDING, HandoffBase, HandoffQuerySet
from crm.paths import path_for
from crm.text import searches_words, validate_single_line
from customers.models import ROW_CUSTOMER_FIELDS, Customer


class ChecklistTemplate(models.Model):
    """A defined way of welcoming a new customer, edited by owners."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StepFields(models.Model):
    """What a step is, shared by a template's steps and the copies an onboarding runs."""

    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    instructions = models.TextField(_("instructions"), blank=True)
    group = models.ForeignKey(
        Group,
        verbose_name=_("responsible group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_after_days = models.PositiveSmallIntegerField(
        _("due after (business days)"),
        default=1,
        validators=[MaxValueValidator(365)],
        help_text=_("Business days from the start of the onboarding."),
    )
    is_required = models.BooleanField(_("required"), default=True)
    is_handoff_point = models.BooleanField(
        _("handoff point"),
        default=False,
        help_text=_("After this step the work passes to the next step's group."),
    )
    captures_preferences = models.BooleanField(
        _("captures preferences"),
        default=False,
        help_text=_("Completing it records the customer's channel, contact window and interests."),
    )

    class Meta:
        abstract = True


class TemplateStep(StepFields):
    # A template is a design, not history: its steps go with it (running onboardings keep
    # their own copies, and the deletion is recorded in both history tables).
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="steps")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        ordering = ["template", "position", "pk"]

    def __str__(self):
        return self.title


class OnboardingQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Keep the onboardings whose name contains the query (three characters or more).

        The name holds the customer's ("Standard onboarding: Ann Lee"), so a search for the
        customer finds their onboarding too. Served by a trigram index on the name (PostgreSQL's,
        migration 0006; SQLite's FTS5 table, crm/trigram_search.py).
        """
        if not searches_words(query):
            return self.none()
        return trigram_search.containing(self, query, "name")

    def active(self):
        """Keep the onboardings still running."""
        return self.filter(status=Onboarding.Status.ACTIVE)

    def stalled(self, *, since):
        """Keep active onboardings without progress since the given moment."""
        return self.active().filter(last_progress_at__lt=since)

    def with_progress(self, now):
        """Annotate steps done, steps in all, and overdue steps, in the same query."""
        return self.annotate(
            steps_total=Count("steps", distinct=True),
            steps_done=Count("steps", filter=Q(steps__done_at__isnull=False), distinct=True),
            steps_overdue=Count(
                "steps",
                filter=Q(steps__done_at__isnull=True, steps__due_at__lt=now),
                distinct=True,
            ),
        )


class Onboarding(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="onboardings"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("from template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="onboardings",
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountable owner"),
        on_delete=models.PROTECT,
        related_name="owned_onboardings",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    target_at = models.DateTimeField(_("target"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=300, blank=True, validators=[validate_single_line]
    )
    # Moved on every completed step and accepted handoff; "stalled" compares against it.
    last_progress_at = models.DateTimeField(_("last progress"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Claimed by the deadline ladder so that a stall is told once (onboarding/ladders.py);
    # progress clears both.
    stall_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    stall_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["stall_notified_at", "stall_escalated_at"])
    objects = OnboardingQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")
        ordering = ["-started_at"]
        permissions = [
            ("manage_any_onboarding", _("Can steer anyone's onboardings")),
        ]
        indexes = [
            models.Index(fields=["status", "last_progress_at"], name="onboarding_status_idx"),
            models.Index(fields=["customer", "status"], name="onboarding_customer_idx"),
            # The onboarding list's order, nearest target first (onboarding/views.py): running
            # ones by their own index, so their page never walks past the ended ones; the
            # list of every status by the whole table's.
            models.Index(
                fields=["target_at", "id"],
                condition=Q(status="active"),
                name="onboarding_active_target_idx",
            ),
            models.Index(fields=["target_at", "id"], name="onboarding_target_idx"),
            # Serve the onboarding list's "started / completed / cancelled from … to …" (the
            # reports' drill-down links), so a period reads its own rows only.
            models.Index(fields=["started_at"], name="onboarding_started_idx"),
            models.Index(
                fields=["completed_at"],
                condition=Q(completed_at__isnull=False),
                name="onboarding_completed_idx",
            ),
            models.Index(
                fields=["cancelled_at"],
                condition=Q(cancelled_at__isnull=False),
                name="onboarding_cancelled_idx",
            ),
        ]
        constraints = [
            # One running welcome per customer: a second would split who is accountable.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="active"),
                name="onboarding_one_active_per_customer",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return path_for("onboarding:detail", self.pk)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class OnboardingStepQuerySet(models.QuerySet):
    def open_for(self, user):
        """Keep the user's steps not done yet on running onboardings, by due time."""
        return (
            self.filter(assignee=user, done_at__isnull=True, onboarding_running=True)
            .select_related("onboarding__customer")
            # What a step's row reads (onboarding/rows/step.html), its customer's reach too.
            .only(
                *("title", "due_at", "captures_preferences", "onboarding"),
                "onboarding__customer",
                *(f"onboarding__customer__{name}" for name in ROW_CUSTOMER_FIELDS),
            )
            .order_by("due_at")
        )


class OnboardingStep(StepFields):
    """A running copy of a template step: editing the template never changes it."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.PROTECT, related_name="steps")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="onboarding_steps",
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # False once the onboarding completes or is cancelled (onboarding/services.py): a step left
    # open then will never be done, and My day's index leaves it out. Read through the
    # onboarding's status, a person's open steps were every step ever left open, walked on
    # every My day: 501 for a busy person at 100,000 customers, more each year.
    onboarding_running = models.BooleanField(default=True, editable=False)

    history = HistoricalRecords(excluded_fields=["onboarding_running"])
    objects = OnboardingStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["onboarding", "position", "pk"]
        indexes = [
            # Serves My day: a person's open steps of running onboardings by due time.
            models.Index(
                fields=["assignee", "due_at"],
                condition=Q(done_at__isnull=True, onboarding_running=True),
                name="onboarding_step_open_idx",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class OnboardingHandoffQuerySet(HandoffQuerySet):
    list_related = ("onboarding__customer", "from_user", "step")
    offer_fields = (
        *HandoffQuerySet.offer_fields,
        *("onboarding", "onboarding__customer", "onboarding__customer__name"),
        *("step", "step__title"),
    )
    # As ONBOARDING_HANDOFFS.finished(): only a running onboarding may change hands.
    subject_open = Q(onboarding__status=Onboarding.Status.ACTIVE)


class Handoff(HandoffBase):
    """The onboarding offered to the next group's person; the sender owns it until accepted."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.PROTECT, related_name="handoffs")
    step = models.ForeignKey(
        OnboardingStep,
        verbose_name=_("at step"),
        on_delete=models.PROTECT,
        related_name="handoffs",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="onboarding_handoffs"
    )
    # The next team must know what the customer was told: the note says it, in these words.
    note = models.TextField(_("what was promised to the customer, what they expect next"))

    history = HistoricalRecords(excluded_fields=LADDER_FIELDS)
    objects = OnboardingHandoffQuerySet.as_manager()
    subject_field = "onboarding"

    class Meta(HandoffBase.Meta):
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        indexes = [
            # Serves My day and the deadline ladder: handoffs waiting for an answer.
            models.Index(
                fields=["to_user", "created_at"],
                condition=PENDING,
                name="handoff_pending_idx",
            ),
            # Serve the onboarding list's "a handoff accepted / declined from … to …" (the
            # reports' drill-down links): the handoffs answered in a period, by their receiver.
            models.Index(
                fields=["accepted_at", "to_user"],
                condition=Q(accepted_at__isnull=False),
                name="handoff_accepted_idx",
            ),
            models.Index(
                fields=["declined_at", "to_user"],
                condition=Q(declined_at__isnull=False),
                name="handoff_declined_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding"],
                condition=PENDING,
                name="handoff_one_pending_per_onboarding",
            )
        ]

    def __str__(self):
        return f"{self.onboarding} → {self.to_user}"

    @property
    def subject_title(self) -> str:
        return self.onboarding.customer.name

    @property
    def subject_detail(self) -> str:
        return self.step.title
