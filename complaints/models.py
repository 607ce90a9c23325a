import re
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm import trigram_search
from crm.choices import ChoiceLabels
from crm.handoffs import LADDER_FIELDS, PENDING, HandoffBase, HandoffQuerySet
from crm.paths import path_for
from crm.text import PERSON_NAME_FIELDS, searches_words, validate_single_line
from customers.models import ROW_CUSTOMER_FIELDS, Channel, Contact, Customer

# The largest single remedy Tend accepts; anything above is a typing slip, not a remedy.
MAX_REMEDY_AMOUNT = Decimal("1000000")


class ExpectedBasis(models.TextChoices):
    """The rule that gave a complaint's expected time: the first that applies (intake.py)."""

    NEEDS = "needs", _("the customer's stated need")
    MEDIAN = "median", _("the usual time to resolve")
    TARGET = "target", _("the resolution target")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class RemedyKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    STORE_CREDIT = "store_credit", _("Store credit")
    DISCOUNT = "discount", _("Discount")
    GIFT = "gift", _("Gift")
    OTHER = "other", _("Other")


# Remedies that cost the business money must carry their amount; authority is counted in it.
MONEY_REMEDIES = frozenset(
    {
        RemedyKind.REFUND,
        RemedyKind.REPLACEMENT,
        RemedyKind.REPAIR,
        RemedyKind.STORE_CREDIT,
        RemedyKind.DISCOUNT,
        RemedyKind.GIFT,
    }
)
# The one free kind: an apology never carries an amount, so no money can ride on it. "Other"
# may carry one, and then it is counted against the person's limit for "other" like any money.
FREE_REMEDIES = frozenset({RemedyKind.APOLOGY})
CENT = Decimal("0.01")


def is_remedy_amount(amount) -> bool:
    """Tell whether the amount is a figure a remedy may carry.

    A finite number of whole cents, more than zero and at most MAX_REMEDY_AMOUNT: NaN, infinity,
    negative or huge values reach the services only from forged or buggy callers, and each of
    them would otherwise slip past a comparison with a limit or break the database.
    """
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        return False
    amount = Decimal(amount)
    return (
        amount.is_finite()
        and Decimal(0) < amount <= MAX_REMEDY_AMOUNT
        and amount == amount.quantize(CENT)
    )


class Category(models.Model):
    """What a complaint is about, in two levels: "Delivery / Late"."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Empty for a top-level category."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["parent__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="category_unique_top_level_name",
            ),
        ]

    def __str__(self):
        # Reading parent would query unless it was joined; __str__ uses only the cached name.
        if self.parent_id and "parent" in self._state.fields_cache:
            return f"{self.parent.name} / {self.name}"
        return self.name


class RootCause(models.Model):
    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SLATarget(models.Model):
    """Response, update and resolution targets for one severity.

    Stored in business minutes, what the calendar counts; entered and shown as "4 h" or
    "5 days" (crm/business_time.py).
    """

    severity = models.CharField(_("severity"), max_length=10, choices=Severity, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response within"))
    update_interval_minutes = models.PositiveIntegerField(_("update the customer every"))
    resolution_minutes = models.PositiveIntegerField(_("resolve within"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_minutes__gte=1)
                & Q(update_interval_minutes__gte=1)
                & Q(resolution_minutes__gte=1),
                name="slatarget_minutes_positive",
            )
        ]

    def __str__(self):
        return str(self.get_severity_display())


class AuthorityLimit(models.Model):
    """The largest remedy of one kind a group or a single person may grant alone."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("A person's own limit overrides their groups' limits."),
    )
    remedy_kind = models.CharField(_("remedy"), max_length=20, choices=RemedyKind)
    max_amount = models.DecimalField(
        _("up to"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty means unlimited."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        ordering = ["remedy_kind", "group__name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=True, user__isnull=False)
                | Q(group__isnull=False, user__isnull=True),
                name="authoritylimit_group_or_user",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=0),
                name="authoritylimit_not_negative",
            ),
            models.UniqueConstraint(
                fields=["group", "remedy_kind"],
                condition=Q(group__isnull=False),
                name="authoritylimit_one_per_group_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "remedy_kind"],
                condition=Q(user__isnull=False),
                name="authoritylimit_one_per_user_kind",
            ),
        ]

    def __str__(self):
        limit = self.max_amount if self.max_amount is not None else _("unlimited")
        return f"{self.get_remedy_kind_display()}: {limit}"


class IllegalTransition(Exception):
    """The complaint's status does not allow this step."""


# Stands for "no deadline ahead" (resolved, closed, or the clock paused) in next_deadline. A date
# rather than NULL: NULLs sort first on SQLite and last on PostgreSQL, and a NULL in a sort key
# drops out of the keyset comparison that pages through the list. Far enough that no timezone
# takes it past the year 9999.
NO_DEADLINE = datetime(9000, 1, 1, tzinfo=UTC)


def _or_never(field: str):
    return Coalesce(F(field), Value(NO_DEADLINE))


def next_deadline_expression():
    """Return the nearest SLA deadline ahead, or NO_DEADLINE, as a database expression.

    Each deadline missing (NULL) counts as never, on both databases alike: PostgreSQL's LEAST
    skips NULLs but SQLite's MIN() of several values returns NULL when any of them is NULL.
    """
    return Case(
        When(status__in=["resolved", "closed"], then=Value(NO_DEADLINE)),
        When(paused_at__isnull=False, then=Value(NO_DEADLINE)),
        default=Least(
            Case(
                When(acknowledged_at__isnull=True, then=_or_never("first_response_due")),
                default=_or_never("resolution_due"),
            ),
            _or_never("next_update_due"),
            _or_never("resolution_due"),
        ),
        output_field=DateTimeField(),
    )


# Most severe first: the order of the complaint list's "Sort by severity".
SEVERITY_RANKS = {
    Severity.CRITICAL: 1,
    Severity.HIGH: 2,
    Severity.NORMAL: 3,
    Severity.LOW: 4,
}


def severity_rank_expression():
    """Return each complaint's SEVERITY_RANKS rank as a database expression."""
    return Case(
        *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANKS.items()),
        output_field=models.PositiveSmallIntegerField(),
    )


# What people type for a reference: C-000009, c-9, C000009 (never bare digits: a phone number).
REFERENCE_QUERY = re.compile(r"[Cc]-?\s*0*(\d{1,12})")


def reference_for(pk: int) -> str:
    """Return the human reference of the complaint with this key: C-000123."""
    return f"C-{pk:06d}"


def reference_in(query: str) -> str | None:
    """Return the reference a query is written as (``c-9`` is C-000009), else None."""
    found = REFERENCE_QUERY.fullmatch(query.strip())
    return reference_for(int(found[1])) if found else None


class ComplaintQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Keep the complaints a search finds: by reference, else by words in their text.

        A reference is compared by equality (its unique index); words are looked for in the
        customer's words and in what we heard, served by trigram indexes (PostgreSQL's,
        migration 0012; SQLite's FTS5 table, crm/trigram_search.py), and only from three
        characters (crm.text.searches_words).
        """
        reference = reference_in(query)
        if reference:
            return self.filter(reference=reference)
        if not searches_words(query):
            return self.none()
        return trigram_search.containing(self, query, "customer_words", "what_we_heard")

    def open(self):
        """Keep complaints not yet closed."""
        return self.exclude(status=Complaint.Status.CLOSED)

    def active(self):
        """Keep complaints still being worked on: neither resolved nor closed."""
        return self.exclude(status__in=[Complaint.Status.RESOLVED, Complaint.Status.CLOSED])

    def closed_alike(self, *, category, severity: str, since):
        """Keep complaints of this category and severity resolved, then closed since a moment."""
        # complaint_closed_alike_idx serves it: a range of one (category, severity).
        return self.filter(
            category=category, severity=severity, closed_at__gte=since, resolved_at__isnull=False
        )

    def owned_by(self, user):
        """Keep the complaints the user is accountable for."""
        return self.filter(owner=user)

    def breaching(self, *, now=None):
        """Keep active, unpaused complaints past any of their SLA deadlines."""
        now = now or timezone.now()
        late = (
            Q(acknowledged_at__isnull=True, first_response_due__lt=now)
            | Q(next_update_due__lt=now)
            | Q(resolution_due__lt=now)
        )
        return self.active().filter(paused_at__isnull=True).filter(late)

    def with_related(self):
        """Join what lists of complaints show."""
        return self.select_related("customer", "owner", "category__parent")

    def for_rows(self):
        """Join and read only what a row draws (complaints/rows/complaint.html) and the list
        pages by (its orders' fields), on My day and in the list. A field the row draws and
        this leaves out would cost a query a row (the query counts of tests/crm/test_my_day.py
        and tests/complaints/test_views.py)."""
        return self.with_related().only(
            *("reference", "severity", "status", "is_repeat", "paused_at", "next_deadline"),
            *("received_at", "severity_rank"),
            *("customer", *(f"customer__{name}" for name in ROW_CUSTOMER_FIELDS)),
            *("owner", *(f"owner__{name}" for name in PERSON_NAME_FIELDS)),
            *("category", "category__name", "category__parent", "category__parent__name"),
        )

    def nearest_deadline_first(self):
        """Order by the nearest SLA deadline; complaints without one (finished, paused) last.

        Read from the stored next_deadline through its index (complaint_next_deadline_idx),
        so that neither the first page nor a deep one sorts every complaint.
        """
        return self.order_by("next_deadline", "pk")


class Complaint(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigating")
        WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    # Empty (NULL) only inside the transaction that logs the complaint, until the pk is known.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=20, unique=True, null=True, editable=False
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, default=Channel.PHONE)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity, default=Severity.NORMAL
    )
    # 1 for critical to 4 for low: the list's "Sort by severity", most severe first, which the
    # text of severity sorted as critical, high, low, normal. Stored and indexed with the key,
    # so that a page of it is read in order, not a sort of every complaint (150 to 350 ms at
    # 100,000 complaints, spilled to disk).
    severity_rank = models.GeneratedField(
        expression=severity_rank_expression(),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    customer_words = models.TextField(_("the customer's words"))
    what_we_heard = models.TextField(_("what we heard"), blank=True)
    heard_confirmed = models.BooleanField(_("the customer confirmed it"), default=False)
    asked_remedy_kind = models.CharField(
        _("remedy asked for"), max_length=20, choices=RemedyKind, blank=True
    )
    asked_amount = models.DecimalField(
        _("amount asked for"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    asked_words = models.CharField(
        _("what they would consider fair"),
        max_length=500,
        blank=True,
        validators=[validate_single_line],
    )
    # The four times (DESIGN.md §2.2).
    needs_by = models.DateTimeField(_("needs it resolved by"), null=True, blank=True)
    expected_by = models.DateTimeField(_("expects it by"), null=True, blank=True)
    # Which rule gave expected_by (complaints/intake.py), shown beside it; blank on complaints
    # logged before the rules existed. With the median, how many complaints it was taken over.
    expected_by_basis = models.CharField(
        _("expected by, from"), max_length=10, choices=ExpectedBasis, blank=True
    )
    expected_by_cases = models.PositiveIntegerField(null=True, blank=True, editable=False)
    promised_by = models.DateTimeField(_("promised by"), null=True, blank=True)
    satisfied_at = models.DateTimeField(_("satisfied at"), null=True, blank=True)
    # The SLA clock. Deadlines move later by the time spent waiting on the customer.
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True)
    next_update_due = models.DateTimeField(_("next customer update due"), null=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("business minutes paused"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    root_cause = models.ForeignKey(
        RootCause,
        verbose_name=_("root cause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    corrective_note = models.TextField(_("corrective action"), blank=True)
    is_repeat = models.BooleanField(
        _("repeat complaint"),
        default=False,
        help_text=_("The customer complained within the previous 90 days."),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Business minutes from receipt to resolution, less the time paused waiting on the
    # customer: what the resolution clock counted. Stored by resolve() (cleared on reopening)
    # so that reports take its median in the database (complaints/remedy_reports.py).
    resolution_minutes = models.PositiveIntegerField(
        _("time to resolve (business minutes)"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome_satisfied = models.BooleanField(_("satisfied with the outcome"), null=True)
    # When the after-resolution check-in was recorded; the satisfaction report counts
    # check-ins by it (complaints/remedy_reports.py). A second check-in after a reopen replaces it.
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, editable=False)
    handling_rating = models.PositiveSmallIntegerField(
        _("rating of the handling"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # Claimed by the deadline ladder so that each notice goes out once (complaints/ladders.py). The
    # update marks are cleared whenever the customer is updated: each interval is its own.
    first_response_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    update_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    update_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The nearest SLA deadline ahead, NO_DEADLINE when none (see deadline_ahead). Computed by
    # the database from the clock fields on every write, so no service can forget to move it;
    # stored and indexed so that the lists sort by it without computing it for every row.
    next_deadline = models.GeneratedField(
        expression=next_deadline_expression(), output_field=DateTimeField(), db_persist=True
    )
    # Set once the intake's background work ran; the deadline sweep catches up on any left
    # behind while the broker was down.
    intake_done_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped on every change; a form carrying an older number was based on stale data.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "first_response_notified_at",
            "first_response_escalated_at",
            "update_notified_at",
            "update_escalated_at",
            "resolution_notified_at",
            "resolution_escalated_at",
            "next_deadline",
            "severity_rank",
        ]
    )
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        permissions = [
            ("manage_any_complaint", _("Can act on anyone's complaints")),
        ]
        indexes = [
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_idx"),
            models.Index(fields=["status", "owner"], name="complaint_status_owner_idx"),
            # Serves nearest_deadline_first: /complaints/ and My day, a page at a time.
            models.Index(fields=["next_deadline", "id"], name="complaint_next_deadline_idx"),
            models.Index(fields=["severity_rank", "id"], name="complaint_severity_rank_idx"),
            # A person's complaints by nearest deadline, their status read from the index (My
            # day's "Complaints you own"): SQLite sorted a busy person's 4,500 open ones for the
            # first five, 14 ms at 100,000 customers. Not partial: SQLite uses a partial index
            # only for a condition written as the index's, and Django binds the statuses.
            models.Index(
                fields=["owner", "next_deadline", "id", "status"],
                name="complaint_owner_deadline_idx",
            ),
            # Serves the SLA sweep and the "breaching" filter: complaints still being worked on.
            models.Index(
                fields=["resolution_due"],
                condition=~Q(status__in=["resolved", "closed"]),
                name="complaint_active_due_idx",
            ),
            # Serves closed_alike, the median time to resolve a category and severity that
            # logging reads; covering, so the database reads the times from the index alone.
            models.Index(
                fields=["category", "severity", "closed_at", "resolved_at", "received_at"],
                condition=Q(closed_at__isnull=False),
                name="complaint_closed_alike_idx",
            ),
            # Serve the reports (complaints/reports.py): complaints received, resolved and
            # closed in a period. Covering (the columns counted follow the
            # key), so that a period's counts are read from the index alone, on both databases.
            # The first, by received time and key, also serves the list's "Sort by received",
            # a page at a time without sorting equal times.
            models.Index(
                fields=[
                    "received_at",
                    "id",
                    "owner",
                    "category",
                    "severity",
                    "acknowledged_at",
                    "first_response_due",
                    "is_repeat",
                    "customer",
                ],
                name="complaint_received_report_idx",
            ),
            models.Index(
                fields=[
                    "resolved_at",
                    "owner",
                    "severity",
                    "resolution_due",
                    "resolution_minutes",
                ],
                condition=Q(resolved_at__isnull=False),
                name="complaint_resolved_report_idx",
            ),
            # The remedies asked for in a period (the remedies report): the few complaints
            # that ask for one, without reading the others.
            models.Index(
                fields=["received_at", "owner", "asked_remedy_kind", "asked_amount", "id"],
                condition=~Q(asked_remedy_kind=""),
                name="complaint_asked_report_idx",
            ),
            # The satisfaction report's check-ins of a period, read from the index alone.
            models.Index(
                fields=["checked_in_at", "owner", "outcome_satisfied", "handling_rating", "id"],
                condition=Q(checked_in_at__isnull=False),
                name="complaint_check_in_report_idx",
            ),
            models.Index(
                fields=["closed_at", "owner", "root_cause"],
                condition=Q(closed_at__isnull=False),
                name="complaint_closed_report_idx",
            ),
            models.Index(
                fields=["promised_by", "owner", "satisfied_at"],
                condition=Q(promised_by__isnull=False),
                name="complaint_promised_report_idx",
            ),
            models.Index(
                fields=["expected_by", "owner", "satisfied_at"],
                condition=Q(expected_by__isnull=False),
                name="complaint_expected_report_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_amount__isnull=True) | Q(asked_amount__gte=0),
                name="complaint_asked_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(asked_remedy_kind=RemedyKind.APOLOGY) | Q(asked_amount__isnull=True),
                name="complaint_asked_apology_has_no_amount",
                violation_error_code="apology_has_no_amount",
                violation_error_message=_(
                    "An apology carries no amount; a gesture that costs money is “other”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(handling_rating__isnull=True)
                | Q(handling_rating__gte=1, handling_rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.reference or _("New complaint")

    def get_absolute_url(self):
        return path_for("complaints:detail", self.pk)

    @property
    def is_active(self) -> bool:
        return self.status not in {self.Status.RESOLVED, self.Status.CLOSED}

    @property
    def deadline_ahead(self) -> datetime | None:
        """Return the nearest SLA deadline still ahead, or None when the clock is not running."""
        return None if self.next_deadline >= NO_DEADLINE else self.next_deadline

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def can_change_hands(self) -> bool:
        """Tell whether the complaint may be handed off: any status but closed.

        A resolved complaint still has its check-in ahead, which needs an owner.
        """
        return self.status != self.Status.CLOSED

    def check_can(self, step: str) -> str:
        """Return the status the step leads to, or raise IllegalTransition."""
        allowed_from, target = TRANSITIONS[step]
        if self.status not in allowed_from:
            raise IllegalTransition(
                _("A complaint that is %(status)s cannot be %(step)s.")
                % {"status": self.get_status_display().lower(), "step": STEP_NAMES[step]}
            )
        return target

    def can(self, step: str) -> bool:
        return self.status in TRANSITIONS[step][0]

    def running_clocks(self) -> list[tuple[str, datetime]]:
        """Return the SLA clocks running now, as (clock, due time), the nearest first.

        A clock is ``first_response`` (until acknowledged), ``customer_update`` or
        ``resolution``; none runs for a finished complaint or while the clock is paused.
        """
        if not self.is_active or self.is_paused:
            return []
        clocks = []
        if self.acknowledged_at is None and self.first_response_due:
            clocks.append(("first_response", self.first_response_due))
        if self.next_update_due:
            clocks.append(("customer_update", self.next_update_due))
        if self.resolution_due:
            clocks.append(("resolution", self.resolution_due))
        # The first response comes first whatever its time: nothing else counts before it.
        return sorted(clocks, key=lambda pair: (pair[0] != "first_response", pair[1]))

    def deadlines(self) -> list[tuple[str, object]]:
        """Return the SLA deadlines still ahead, as (name, due time), earliest first."""
        if not self.is_active:
            return []
        named = []
        if self.acknowledged_at is None and self.first_response_due:
            named.append((_("First response"), self.first_response_due))
        if self.next_update_due:
            named.append((_("Customer update"), self.next_update_due))
        if self.resolution_due:
            named.append((_("Resolution"), self.resolution_due))
        return sorted(named, key=lambda pair: pair[1])


_S = Complaint.Status
# step: (statuses it may start from, status it leads to). The rest of the flow, DESIGN.md §4.
TRANSITIONS = {
    "acknowledge": ({_S.NEW}, _S.ACKNOWLEDGED),
    "investigate": ({_S.ACKNOWLEDGED, _S.WAITING_ON_CUSTOMER}, _S.INVESTIGATING),
    "wait_on_customer": ({_S.ACKNOWLEDGED, _S.INVESTIGATING}, _S.WAITING_ON_CUSTOMER),
    "propose_remedy": ({_S.NEW, _S.ACKNOWLEDGED, _S.INVESTIGATING}, _S.INVESTIGATING),
    "await_approval": ({_S.NEW, _S.ACKNOWLEDGED, _S.INVESTIGATING}, _S.AWAITING_APPROVAL),
    "decide_remedy": ({_S.AWAITING_APPROVAL}, _S.INVESTIGATING),
    "deliver_remedy": ({_S.ACKNOWLEDGED, _S.INVESTIGATING}, _S.INVESTIGATING),
    "resolve": ({_S.ACKNOWLEDGED, _S.INVESTIGATING}, _S.RESOLVED),
    "close": ({_S.RESOLVED}, _S.CLOSED),
    "reopen": ({_S.RESOLVED, _S.CLOSED}, _S.INVESTIGATING),
}
STEP_NAMES = {
    "acknowledge": _("acknowledged"),
    "investigate": _("moved to investigating"),
    "wait_on_customer": _("put on hold for the customer"),
    "propose_remedy": _("offered a remedy"),
    "await_approval": _("sent for approval"),
    "decide_remedy": _("decided on"),
    "deliver_remedy": _("given its remedy"),
    "resolve": _("resolved"),
    "close": _("closed"),
    "reopen": _("reopened"),
}


class ComplaintUpdate(ChoiceLabels, models.Model):
    """One line of a complaint's timeline.

    Written once by the services and never edited, so it keeps no history of its own
    (tests/crm/test_history.py lists it as exempt); nothing may delete it with its complaint.
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS = "status", _("Status change")
        CUSTOMER_UPDATE = "customer_update", _("Customer updated")
        REASSIGNMENT = "reassignment", _("Reassignment")
        REMEDY = "remedy", _("Remedy")
        PROMISE = "promise", _("Promised time")
        # The customer's own words reaching us without staff: a reply to our email, an answer
        # to the check-in survey. Unlike CUSTOMER_UPDATE (we told them), it moves no clock.
        FROM_CUSTOMER = "from_customer", _("From the customer")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, blank=True)
    from_status = models.CharField(max_length=20, choices=Complaint.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Complaint.Status, blank=True)
    # For a customer update: whether it came by the time the update was due (the customer-
    # update clock kept); empty for other lines and for updates logged before it was recorded.
    on_time = models.BooleanField(_("on time"), null=True, editable=False)
    # For a promised time set or moved: the message that told the customer, their record of it
    # (its status says whether it reached them).
    message = models.ForeignKey(
        "customers.CustomerMessage",
        verbose_name=_("message to the customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint update")
        verbose_name_plural = _("complaint updates")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["complaint", "-created_at"], name="update_complaint_idx"),
            # Serve the reports' customer updates on time and check-in outcomes in a period.
            models.Index(
                fields=["created_at", "complaint", "on_time"],
                condition=Q(kind="customer_update"),
                name="update_customer_report_idx",
            ),
            models.Index(
                fields=["created_at", "complaint", "to_status"],
                condition=Q(kind="status", from_status="resolved"),
                name="update_check_in_report_idx",
            ),
            # The promised times moved in a period (reports and the complaint list's filter);
            # each is checked for an earlier one through update_complaint_idx.
            models.Index(
                fields=["created_at", "complaint", "message"],
                condition=Q(kind="promise"),
                name="update_promise_report_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:50]}"

    @property
    def is_from_customer(self) -> bool:
        """Tell whether the customer wrote it (a reply, a survey answer): no staff author."""
        return self.kind == self.Kind.FROM_CUSTOMER


class RemedyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keep the remedies the user may see: those on complaints they may see.

        Everyone who may see complaints sees every complaint (the complaint list is not
        narrowed by owner), so every remedy, or none without both permissions.
        """
        if user.has_perm("complaints.view_complaint") and user.has_perm("complaints.view_remedy"):
            return self
        return self.none()

    def for_list(self):
        """Join what a row of the remedy list shows, newest proposal first."""
        return self.select_related("complaint__customer", "proposed_by", "decided_by").order_by(
            "-proposed_at"
        )

    def awaiting_approval(self):
        """Keep proposed remedies above their proposer's authority, still undecided."""
        return self.filter(decision=Remedy.Decision.PROPOSED)

    def awaiting_approval_by(self, user, authority=None):
        """Keep undecided remedies others proposed that the user may decide, oldest first.

        ``authority`` is the user's (complaints.authority.authority_of), read when not given.
        """
        # complaints.authority imports this module, so it is imported when first needed.
        from complaints.authority import authority_of

        if authority is None:
            authority = authority_of(user)
        return (
            self.awaiting_approval()
            .filter(authority.approvable_condition())
            .exclude(proposed_by=user)
            # The decider's own limit for each remedy's kind, shown beside it: no query more.
            .annotate(approver_limit=authority.limit_expression())
            .select_related("complaint__customer", "proposed_by")
            .order_by("proposed_at")
        )

    def for_my_day(self):
        """Read only what a remedy's row on My day draws (complaints/rows/remedy_decision.html):
        the remedy, its complaint's reference and what the customer asked, the customer's name
        and the proposer's. awaiting_approval_by() joins them."""
        return self.only(
            *("kind", "amount", "description", "proposed_at", "complaint", "proposed_by"),
            *("complaint__reference", "complaint__customer_words", "complaint__asked_words"),
            *("complaint__asked_remedy_kind", "complaint__asked_amount"),
            *("complaint__customer", "complaint__customer__name"),
            *(f"proposed_by__{name}" for name in PERSON_NAME_FIELDS),
        )

    def keys_awaiting_approval_by(self, user, authority):
        """Return the keys of awaiting_approval_by(user, authority), in no order.

        One query of a part per range of remedy_decision_amount_idx the person may grant
        (Authority.approvable_ranges: the free kinds, and the money kinds up to each ceiling),
        joined by UNION ALL, so that each part reads only the waiting remedies it matches.
        In one condition, PostgreSQL read every waiting remedy of those kinds: a person
        allowed refunds up to 50, with 4,000 larger ones waiting, paid 2.4 ms to find none;
        by ranges, 0.2 ms.
        """
        waiting = self.awaiting_approval().exclude(proposed_by=user).order_by().values("pk")
        first, *others = [waiting.filter(one_range) for one_range in authority.approvable_ranges()]
        # Not in Remedy's default order either: the union has no column to sort by.
        return first.union(*others, all=True).order_by()


class Remedy(ChoiceLabels, models.Model):
    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DELIVERED = "delivered", _("Delivered")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField(_("remedy"), max_length=20, choices=RemedyKind)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_REMEDY_AMOUNT)],
    )
    description = models.CharField(
        _("description"), max_length=500, blank=True, validators=[validate_single_line]
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, default=Decision.PROPOSED
    )
    auto_approved = models.BooleanField(_("approved within authority"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(
        _("decision note"), max_length=500, blank=True, validators=[validate_single_line]
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # Claimed by the deadline ladder so that a remedy left waiting for approval is told once
    # (complaints/ladders.py); a decision ends its clock.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["reminded_at", "escalated_at"])
    objects = RemedyQuerySet.as_manager()

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["-proposed_at"]
        indexes = [
            # Serves the approval queue.
            models.Index(
                fields=["proposed_at"],
                condition=Q(decision="proposed"),
                name="remedy_awaiting_idx",
            ),
            # Serves awaiting_approval_by() for a person of small authority: one range of
            # amounts per kind they may grant, where the queue's order would read all 8,000
            # waiting remedies to find none (staff's My day at 100,000 customers). Not partial:
            # SQLite reads an OR of ranges through an index only when each range names all of
            # its condition (decision too), and otherwise read every waiting remedy (30 ms).
            # It covers the proposer and the key (PostgreSQL; SQLite leaves INCLUDE out): the
            # planner, which cannot tell how few waiting remedies are small, chose to scan the
            # whole table for My day's first 101 keys (15 ms), and reads this index instead.
            models.Index(
                fields=["decision", "kind", "amount"],
                include=["proposed_by", "id"],
                name="remedy_decision_amount_idx",
            ),
            # Serves /complaints/remedies/, newest proposal first a page at a time (keyset on
            # proposed_at and the key), and its "proposed from … to …" dates.
            models.Index(fields=["proposed_at", "id"], name="remedy_proposed_idx"),
            # Its "decided from … to …" dates (the reports' links), and the count of them.
            models.Index(
                fields=["decided_at"],
                condition=Q(decided_at__isnull=False),
                name="remedy_decided_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="remedy_amount_positive",
            ),
            # The one free kind carries no money: see FREE_REMEDIES.
            models.CheckConstraint(
                condition=~Q(kind=RemedyKind.APOLOGY) | Q(amount__isnull=True),
                name="remedy_apology_has_no_amount",
                violation_error_code="apology_has_no_amount",
                violation_error_message=_(
                    "An apology carries no amount; a gesture that costs money is “other”."
                ),
            ),
        ]

    def __str__(self):
        if self.amount is not None:
            return f"{self.get_kind_display()} {self.amount}"
        return str(self.get_kind_display())


class ComplaintHandoffQuerySet(HandoffQuerySet):
    list_related = ("complaint__customer", "from_user")
    offer_fields = (
        *HandoffQuerySet.offer_fields,
        *("complaint", "complaint__reference", "complaint__customer", "complaint__customer__name"),
    )
    # As COMPLAINT_HANDOFFS.finished(): any complaint but a closed one may change hands.
    subject_open = ~Q(complaint__status=Complaint.Status.CLOSED)


class ComplaintHandoff(HandoffBase):
    """A complaint offered to a new owner; the sender stays owner until the receiver accepts."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="handoffs")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_handoffs"
    )

    history = HistoricalRecords(excluded_fields=LADDER_FIELDS)
    objects = ComplaintHandoffQuerySet.as_manager()
    subject_field = "complaint"

    class Meta(HandoffBase.Meta):
        verbose_name = _("complaint handoff")
        verbose_name_plural = _("complaint handoffs")
        indexes = [
            # Serves My day and the deadline ladder: offers waiting for an answer.
            models.Index(
                fields=["to_user", "created_at"],
                condition=PENDING,
                name="complaint_handoff_pending_idx",
            )
        ]
        constraints = [
            # One open offer at a time keeps "who owns this?" unambiguous.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=PENDING,
                name="handoff_one_pending_per_complaint",
            )
        ]

    def __str__(self):
        return f"{self.complaint} → {self.to_user}"

    @property
    def subject_title(self) -> str:
        return self.complaint.reference

    @property
    def subject_detail(self) -> str:
        return self.complaint.customer.name
