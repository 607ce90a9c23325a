from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Lookup
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm import trigram_search
from crm.choices import ChoiceLabels
from crm.paths import path_for
from crm.text import clean_search_text, searches_words, validate_single_line
from customers.text import normalise_phone, search_key


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Mon")
    TUESDAY = 1, _("Tue")
    WEDNESDAY = 2, _("Wed")
    THURSDAY = 3, _("Thu")
    FRIDAY = 4, _("Fri")
    SATURDAY = 5, _("Sat")
    SUNDAY = 6, _("Sun")


# The customer record as people fill it in: the web form, the admin and CSV files all use it.
# Ten years: a longer cadence is a typing slip, not a plan.
KEEP_IN_TOUCH_MAX_DAYS = 3650

CUSTOMER_RECORD_FIELDS = (
    "name",
    "kind",
    "status",
    "account_owner",
    "phone",
    "email",
    "address",
    "preferred_channel",
    "contact_days",
    "contact_from",
    "contact_until",
    "do_not_contact",
    "no_messages",
    "interests",
    "goals",
    "keep_in_touch_days",
    "became_customer_on",
    "lost_on",
    "lost_reason",
    "lost_note",
)


class CustomerQuerySet(models.QuerySet):
    def current(self):
        """Keep the customers people work with: everyone not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        """Keep the archived customers, set aside with their history."""
        return self.filter(archived_at__isnull=False)

    def with_history(self):
        """Keep customers that rows of their history point to, so they cannot be deleted.

        History is whatever protects the customer from deletion: contacts, the contact log,
        follow-ups, and what the apps above `customers` attach (complaints, onboardings), found
        through the model's reverse relations so that this app imports none of them.
        """
        condition = Q(pk__in=[])
        for relation in history_relations():
            rows = relation.related_model._base_manager.filter(
                **{relation.field.name: OuterRef("pk")}
            )
            condition |= Exists(rows)
        return self.filter(condition)

    def by_name(self):
        """Order by name, and by id between equal names (customer_current_name_id_idx)."""
        return self.order_by("name", "pk")

    def search(self, query: str):
        """Match a name, email or phone number in any case, with or without accents.

        A customer matches through its own fields or through any of its contacts'.
        """
        # Cleaned here too, so no caller can send a NUL or a page of text to the database.
        query = clean_search_text(query)
        if not query:
            return self
        matches = _customers_matching(query)
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery

            # id = ANY(ARRAY(…)): PostgreSQL then reads the matches by primary key, where for
            # "IN (…)" it joins them against every customer ("smith" at 20,000 customers: 14 ms
            # against 25 ms, and the gap grows with the table).
            return self.filter(_AnyOf(F("pk"), ArraySubquery(matches)))
        return self.filter(pk__in=matches)

    def with_open_follow_ups(self):
        """Keep customers with at least one open follow-up."""
        open_follow_ups = FollowUp.objects.open().filter(customer=OuterRef("pk"))
        return self.filter(Exists(open_follow_ups))


class Customer(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        INDIVIDUAL = "individual", _("Individual")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        FORMER = "former", _("Former")

    class LostReason(models.TextChoices):
        PRICE = "price", _("Price")
        SERVICE = "service", _("Service or experience")
        PRODUCT = "product", _("Product did not fit")
        COMPETITOR = "competitor", _("Went to a competitor")
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
        MOVED_OR_CLOSED = "moved_or_closed", _("Moved away or closed")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    status = models.CharField(
        _("lifecycle status"), max_length=20, choices=Status, default=Status.PROSPECT
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        # People who leave are deactivated, never deleted: their name stays on what they did.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_customers",
        help_text=_("Keeps in touch with this customer; owns the keep-in-touch follow-ups."),
    )
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel, default=Channel.PHONE
    )
    contact_days = models.CharField(
        _("days to contact"),
        max_length=7,
        blank=True,
        help_text=_("Weekdays the customer likes to be contacted on; none means any day."),
        validators=[validate_single_line],
    )
    contact_from = models.TimeField(_("contact from"), null=True, blank=True)
    contact_until = models.TimeField(_("contact until"), null=True, blank=True)
    do_not_contact = models.BooleanField(
        _("do not contact"),
        default=False,
        help_text=_("No proactive contact such as keep-in-touch calls; service continues."),
    )
    no_messages = models.BooleanField(
        _("no messages at all"),
        default=False,
        help_text=_(
            "Opted out of every message from Tend, even about their own complaint or call back."
        ),
    )
    interests = models.CharField(
        _("interests"),
        max_length=500,
        blank=True,
        help_text=_("Separate them with commas."),
        validators=[validate_single_line],
    )
    goals = models.TextField(_("goals"), blank=True, help_text=_("What they want to achieve."))
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    keep_in_touch_days = models.PositiveSmallIntegerField(
        _("keep in touch every (days)"),
        null=True,
        blank=True,
        default=90,
        help_text=_("Positive contact at least this often; empty for none."),
        # The same bound on every database: SQLite would store any 64-bit number.
        validators=[MaxValueValidator(KEEP_IN_TOUCH_MAX_DAYS)],
    )
    became_customer_on = models.DateField(_("became a customer on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=30, choices=LostReason, blank=True)
    lost_note = models.TextField(_("about the loss"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Derived columns, filled by set_derived_fields(): lookups compare these, not what was typed.
    phone_normalised = models.CharField(max_length=20, blank=True, editable=False)
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    # Computed by the database, so that no way of writing a row (bulk inserts, updates) can
    # leave it behind: search compares an email here, by equality, through an index.
    email_key = models.GeneratedField(
        expression=Lower("email"), output_field=models.CharField(max_length=254), db_persist=True
    )
    # Bumped on every edit; a save carrying an older number was based on stale data.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set aside, not deleted: an archived customer leaves the everyday lists and search and
    # keeps its whole history. Moved only by services.archive_customer and restore_customer.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    archive_reason = models.CharField(
        _("why archived"), max_length=300, blank=True, editable=False
    )

    history = HistoricalRecords(
        excluded_fields=["search_name", "phone_normalised", "email_key", "version"]
    )
    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        permissions = [
            ("archive_customer", _("Can archive and restore customers")),
        ]
        indexes = [
            # Serves the everyday customer list: current customers by name, a page at a time
            # (CustomerQuerySet.list_order, and its keyset pages from any depth).
            models.Index(
                fields=["name", "id"],
                condition=Q(archived_at__isnull=True),
                name="customer_current_name_id_idx",
            ),
            # The list's other orders, a page at a time from any depth (by status, by last
            # change): each a sort of every current customer without them (110 to 125 ms).
            models.Index(
                fields=["status", "id"],
                condition=Q(archived_at__isnull=True),
                name="customer_current_status_idx",
            ),
            models.Index(
                fields=["updated_at", "id"],
                condition=Q(archived_at__isnull=True),
                name="customer_current_updated_idx",
            ),
            models.Index(fields=["phone_normalised"], name="customer_phone_idx"),
            models.Index(fields=["email_key"], name="customer_email_key_idx"),
            models.Index(fields=["search_name"], name="customer_search_name_idx"),
            models.Index(fields=["status", "name"], name="customer_status_name_idx"),
            models.Index(fields=["account_owner", "status"], name="customer_owner_status_idx"),
            # The retention report (customers/retention_reports.py) reads these three alone,
            # never the table: active customers by the day they became customers, with all
            # that decides whether they are active and kept in touch with; the losses by day;
            # and the cadences in use, one index probe per value.
            models.Index(
                fields=[
                    "became_customer_on",
                    "account_owner",
                    "lost_on",
                    "status",
                    "keep_in_touch_days",
                    "do_not_contact",
                    "id",
                ],
                condition=Q(archived_at__isnull=True, became_customer_on__isnull=False),
                name="customer_active_report_idx",
            ),
            models.Index(
                fields=[
                    "lost_on",
                    "account_owner",
                    "lost_reason",
                    "became_customer_on",
                    "status",
                    "id",
                ],
                condition=Q(archived_at__isnull=True, lost_on__isnull=False),
                name="customer_lost_report_idx",
            ),
            models.Index(
                fields=["keep_in_touch_days"],
                condition=Q(keep_in_touch_days__isnull=False),
                name="customer_cadence_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_from__isnull=True)
                | Q(contact_until__isnull=True)
                | Q(contact_until__gt=models.F("contact_from")),
                name="customer_contact_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(keep_in_touch_days__isnull=True) | Q(keep_in_touch_days__gte=1),
                name="customer_keep_in_touch_positive",
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True, archived_by__isnull=True)
                | Q(archived_at__isnull=False, archived_by__isnull=False),
                name="customer_archived_by_someone",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        if (update_fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*update_fields, "phone_normalised", "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("customers:detail", self.pk)

    def set_derived_fields(self) -> None:
        """Fill the normalised phone and search name from what was typed."""
        self.phone_normalised = normalise_phone(self.phone) or ""
        self.search_name = search_key(self.name)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def history_summary(self) -> list[tuple[str, int]]:
        """Return what keeps the customer from being deleted, as (kind, how many) pairs."""
        summary = []
        for relation in history_relations():
            count = relation.related_model._base_manager.filter(
                **{relation.field.name: self.pk}
            ).count()
            if count:
                summary.append((str(relation.related_model._meta.verbose_name_plural), count))
        return summary

    @property
    def contact_weekdays(self) -> set[int]:
        return {int(day) for day in self.contact_days}

    @property
    def contact_days_display(self) -> str:
        return ", ".join(str(Weekday(day).label) for day in sorted(self.contact_weekdays))

    @property
    def interest_list(self) -> list[str]:
        return [item.strip() for item in self.interests.split(",") if item.strip()]


# What may be in a phone number as people write it, besides digits: "+1 (202) 555-0142".
PHONE_PUNCTUATION = frozenset(" +-().,/")


class _AnyOf(Lookup):
    """``column = ANY(array)``, which Django has no lookup for outside an ArrayField."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


# What a row names of its customer: the name, and the phone and email of its reach line
# (crm/jinja2/rows/reach.html). A query of rows reads no more of the customer.
ROW_CUSTOMER_FIELDS = ("name", "phone", "email")


def key_among(keys: list[int]) -> Lookup:
    """Return ``pk = ANY(%s)``, the keys in one array parameter (PostgreSQL): compiling one
    parameter a key cost a search of 300 matches 12,000 Python calls a query."""
    # As the one list it is: an ArrayField output would prepare each key on its own.
    return _AnyOf(F("pk"), Value(list(keys)))


def _customers_matching(query: str):
    """Return the ids of customers whose own or whose contacts' details match the query.

    Each kind of query takes the one indexed path that can match it, and the customers' and the
    contacts' matches are a UNION: an OR across the two tables (or an EXISTS per customer) can
    use no index and read both tables whole (720 ms at 100,000 customers on PostgreSQL).
    - an email: equality on the lower-cased address (email_key, indexed);
    - a phone number: equality on its E.164 form (phone_normalised, indexed);
    - anything else: part of the folded name (search_name; a trigram index serves it: on
      PostgreSQL migration 0002's, on SQLite an FTS5 table, crm/trigram_search.py).
    """
    customers, contacts = Customer._base_manager.all(), Contact._base_manager.all()
    phone = phone_in(query)
    if is_email_query(query):
        condition = Q(email_key=Lower(Value(query)))
    elif phone:
        condition = Q(phone_normalised=phone)
    else:
        key = search_key(query)
        customers = trigram_search.containing(customers, key, "search_name", lookup="contains")
        contacts = trigram_search.containing(contacts, key, "search_name", lookup="contains")
        condition = Q()
    matches = (
        customers.filter(condition)
        .order_by()
        .values("pk")
        .union(contacts.filter(condition).order_by().values("customer_id"))
    )
    # Unordered, not even by Customer.Meta.ordering: the name is not among the columns of the
    # UNION, and the order of a set of ids means nothing.
    matches.query.clear_ordering(force=True, clear_default=True)
    return matches


def is_email_query(query: str) -> bool:
    """Tell whether a query is written as an email address: an "@" and no blank."""
    return "@" in query and not any(char.isspace() for char in query)


def phone_in(query: str) -> str | None:
    """Return the E.164 form of a query written as a phone number, else None."""
    if all(char.isdigit() or char in PHONE_PUNCTUATION for char in query):
        return normalise_phone(query)
    return None


def history_relations() -> list:
    """Return the relations whose rows are a customer's history and so protect it from deletion."""
    return [
        relation
        for relation in Customer._meta.related_objects
        if relation.on_delete in {models.PROTECT, models.RESTRICT}
    ]


class Contact(ChoiceLabels, models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    role = models.CharField(
        _("role"), max_length=100, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_single_line]
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel, blank=True
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(
        _("personal notes"), blank=True, help_text=_("What to remember about this person.")
    )
    phone_normalised = models.CharField(max_length=20, blank=True, editable=False)
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    # As on Customer: computed by the database, compared by search.
    email_key = models.GeneratedField(
        expression=Lower("email"), output_field=models.CharField(max_length=254), db_persist=True
    )

    history = HistoricalRecords(excluded_fields=["phone_normalised", "search_name", "email_key"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [
            models.Index(fields=["phone_normalised"], name="contact_phone_idx"),
            models.Index(fields=["email_key"], name="contact_email_key_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_customer",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """Fill the normalised phone and search name from what was typed."""
        self.phone_normalised = normalise_phone(self.phone) or ""
        self.search_name = search_key(self.name)


class Interaction(ChoiceLabels, models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the customer")
        OUTBOUND = "outbound", _("To the customer")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="interactions"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        # Who we spoke to is part of the log: a contact someone spoke to is kept.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, default=Channel.PHONE)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction, default=Direction.INBOUND
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.CharField(_("summary"), max_length=200, validators=[validate_single_line])
    what_we_heard = models.TextField(
        _("what we heard"),
        blank=True,
        help_text=_("The customer's need in your words, as you restated it to them."),
    )
    is_positive = models.BooleanField(
        _("positive contact"),
        default=False,
        help_text=_("Proactive, friendly contact, not about a problem."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["customer", "-occurred_at"], name="interaction_customer_time_idx"
            ),
            # Serves "days since the last positive contact" (health, keep-in-touch planner).
            models.Index(
                fields=["customer", "-occurred_at"],
                condition=Q(is_positive=True),
                name="interaction_positive_idx",
            ),
        ]

    def __str__(self):
        return self.summary


# A commitment someone else gave its owner (a handoff, a reassignment), not one they made.
GIVEN_BY_OTHERS = ~Q(created_by=F("owner"))


class FollowUpQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Keep the commitments whose subject contains the query (three characters or more).

        Served by a trigram index on the subject: PostgreSQL's (migration 0009), SQLite's FTS5
        table (crm/trigram_search.py).
        """
        if not searches_words(query):
            return self.none()
        return trigram_search.containing(self, query, "subject")

    def open(self):
        """Keep the commitments still to be kept."""
        return self.filter(status=FollowUp.Status.OPEN)

    def owned_by(self, user):
        """Keep the commitments the user is accountable for."""
        return self.filter(owner=user)

    def given_by_others(self):
        """Keep the commitments someone other than their owner made for them."""
        return self.filter(GIVEN_BY_OTHERS)

    def overdue(self, *, now=None):
        """Keep open commitments whose due time has passed."""
        return self.open().filter(due_at__lt=now or timezone.now())

    def due_between(self, start, end):
        """Keep open commitments due in [start, end)."""
        return self.open().filter(due_at__gte=start, due_at__lt=end)

    def for_my_day(self):
        """Join and read only what a row on My day draws (customers/rows/follow_up.html):
        the commitment and its customer's name and reach, not its owner, which My day's rows
        do not name. A field the row draws and this leaves out would cost a query a row (the
        query counts of tests/crm/test_my_day.py hold it)."""
        return self.select_related("customer").only(
            *("subject", "due_at", "promised_to_customer", "kind", "channel", "status"),
            *("customer", "owner", "source_type", "source_id"),
            *(f"customer__{name}" for name in ROW_CUSTOMER_FIELDS),
        )

    def with_related(self):
        """Join what lists of commitments show: the customer, the owner and the source."""
        # The source is fetched in one query per kind of source (complaint, interaction, …).
        return self.select_related("customer", "owner").prefetch_related("source")

    def urgency_order(self):
        """Order overdue first, then due today, then later; each by due time.

        Those bands follow from the due time alone, so the order is the due time (and the id
        between equal times), which the partial indexes on open commitments hold ready.
        """
        return self.order_by("due_at", "pk")


class QuickOutcome(models.TextChoices):
    """The common outcomes of working a follow-up, each recorded with one tap."""

    REACHED = "reached", _("Reached, done")
    LEFT_MESSAGE = "left_message", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    DONE = "done", _("Done")


# The outcomes that keep the commitment; the others are attempts that leave it open.
KEEPING_OUTCOMES = frozenset({QuickOutcome.REACHED, QuickOutcome.DONE})


class FollowUp(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Call back")
        PROMISE = "promise", _("Promise")
        CHECK_IN = "check_in", _("Check-in")
        KEEP_IN_TOUCH = "keep_in_touch", _("Keep in touch")
        AFTER_RESOLUTION = "after_resolution", _("After-resolution check-in")
        AFTER_ONBOARDING = "after_onboarding", _("After-onboarding check-in")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CALLBACK)
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_single_line])
    due_at = models.DateTimeField(_("due"))
    promised_to_customer = models.BooleanField(
        _("time promised to the customer"),
        default=False,
        help_text=_("The customer was told they would hear from us by then."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    # For a callback kept: business minutes from the request (when the callback was made) to
    # reaching the customer; stored so that reports take its median in the database. Kept by
    # mark_done and cleared by reopen_follow_up (customers/reports.py reads it).
    response_minutes = models.PositiveIntegerField(
        _("response time (business minutes)"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    # What caused it: an interaction, a complaint, an onboarding (customers imports none of them).
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # Claimed by the deadline ladder so that each notice goes out once (see ladders.py).
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["overdue_notified_at", "escalated_at"])
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at"]
        permissions = [
            ("manage_any_followup", _("Can see, reassign and complete anyone's follow-ups")),
        ]
        indexes = [
            # Serves My day and /followups/ (urgency_order, a page at a time from any depth):
            # one person's open commitments by due time.
            models.Index(
                fields=["owner", "due_at", "id"],
                condition=Q(status="open"),
                name="followup_open_owner_due_id_idx",
            ),
            # Serves the deadline sweep (open commitments past due) and a supervisor's
            # /followups/ of everyone's open commitments in urgency_order.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status="open"),
                name="followup_open_due_id_idx",
            ),
            models.Index(fields=["customer", "status"], name="followup_customer_status_idx"),
            models.Index(fields=["source_type", "source_id"], name="followup_source_idx"),
            # Serves My day's "Recently given to you": one person's open commitments given
            # by someone else, by the time they were given, newest first, the last week only.
            # The condition is the query's own (FollowUp.objects.given_by_others()): a busy
            # person's own 15,000 open commitments are not in the index to be skipped.
            models.Index(
                fields=["owner", "assigned_at"],
                condition=Q(status="open") & GIVEN_BY_OTHERS,
                name="followup_open_given_idx",
            ),
            # Serve the reports (customers/reports.py): callbacks by the time they were
            # requested, promises by their promised time. Covering (the columns
            # counted follow the key), so that 90 days of 100,000 customers' commitments are
            # counted from the index alone, on PostgreSQL and SQLite.
            models.Index(
                fields=["created_at", "status", "due_at", "response_minutes", "owner"],
                condition=Q(kind="callback"),
                name="followup_callback_report_idx",
            ),
            models.Index(
                fields=["due_at", "status", "completed_at", "owner"],
                condition=Q(promised_to_customer=True),
                name="followup_promise_report_idx",
            ),
        ]
        constraints = [
            # The keep-in-touch planner may run twice or in two workers: never two open ones.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="keep_in_touch", status="open"),
                name="followup_one_open_keep_in_touch",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="followup_done_has_completion_time",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return path_for("followups:detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_completed_at_source(self) -> bool:
        """Tell whether it is an after-resolution check-in, recorded on its complaint."""
        return self.kind == self.Kind.AFTER_RESOLUTION and self.source_id is not None

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def means_reaching_the_customer(self) -> bool:
        """Tell whether keeping it takes reaching the customer (a call back, a check-in)."""
        return self.kind in CONTACT_KINDS or self.channel in {Channel.PHONE, Channel.VIDEO}

    @property
    def quick_outcomes(self) -> list[tuple[str, str]]:
        """Return the one-tap outcomes that fit it, as (value, label)."""
        if self.means_reaching_the_customer:
            outcomes = [QuickOutcome.REACHED, QuickOutcome.LEFT_MESSAGE, QuickOutcome.NO_ANSWER]
        else:
            outcomes = [QuickOutcome.DONE]
        return [(outcome.value, outcome.label) for outcome in outcomes]


CONTACT_KINDS = frozenset(
    {
        FollowUp.Kind.CALLBACK,
        FollowUp.Kind.CHECK_IN,
        FollowUp.Kind.KEEP_IN_TOUCH,
        FollowUp.Kind.AFTER_RESOLUTION,
        FollowUp.Kind.AFTER_ONBOARDING,
    }
)


class FollowUpReschedule(models.Model):
    """A due time moved, with why; for a promised time, whether the customer was told.

    Written once by the reschedule service and never edited, so it keeps no history of its own
    (tests/crm/test_history.py lists it as exempt); nothing may delete it with its follow-up.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="reschedules")
    old_due_at = models.DateTimeField(_("was due"))
    new_due_at = models.DateTimeField(_("now due"))
    reason = models.CharField(_("reason"), max_length=300, validators=[validate_single_line])
    customer_told = models.BooleanField(_("customer told"), null=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up reschedule")
        verbose_name_plural = _("follow-up reschedules")
        ordering = ["-changed_at"]
        # Serves the reports' promised times moved in a period (customers/reports.py).
        indexes = [models.Index(fields=["changed_at"], name="reschedule_changed_idx")]

    def __str__(self):
        return f"{self.follow_up_id}: {self.old_due_at:%Y-%m-%d %H:%M} → {self.new_due_at:%H:%M}"


class DigestLog(models.Model):
    """One person's daily digest for one day, claimed before it is sent so it goes out once.

    Bookkeeping written by the digest task, never by people: it keeps no history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("daily digest sent")
        verbose_name_plural = _("daily digests sent")
        ordering = ["-day"]
        constraints = [
            # Two digest runs (a retry, a second worker) race on this row: the loser sends nothing.
            models.UniqueConstraint(fields=["user", "day"], name="digestlog_one_per_person_day"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.day.isoformat()}"


class InboundMailSettings(models.Model):
    """Who answers the email Tend cannot place: one row, edited by owners in the admin."""

    triage_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triage person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_active": True},
        help_text=_(
            "Gets a follow-up for email from unknown senders and for replies to a complaint "
            "reference Tend does not know. Empty: the first active person in the Owners group."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inbound mail settings")
        verbose_name_plural = _("inbound mail settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="inboundmailsettings_one_row"),
        ]

    def __str__(self):
        return str(_("Inbound mail settings"))

    @classmethod
    def load(cls) -> "InboundMailSettings":
        """Return the one row, created empty on first use."""
        row, _created = cls.objects.select_related("triage_person").get_or_create(pk=1)
        return row


class InboundMessage(ChoiceLabels, models.Model):
    """One email received through the mail provider's inbound webhook, kept once.

    Written once by customers/inbound.py and never edited, so it keeps no history of its own
    (tests/crm/test_history.py lists it as exempt). The Message-ID is its unique key: a
    provider delivering the same webhook twice finds it taken and nothing more happens.
    """

    class Outcome(models.TextChoices):
        THREADED = "threaded", _("Threaded into what it answers")
        CUSTOMER = "customer", _("Logged for the customer's account owner")
        TRIAGE = "triage", _("Sent to triage")
        SPAM = "spam", _("Set aside as spam")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    # The provider's own id of the delivery (Mailgun's signed token): unique, so that a signed
    # post captured and replayed with another message in it is taken for a repeat and ignored.
    delivery_id = models.CharField(
        _("delivery"), max_length=255, unique=True, null=True, blank=True, editable=False
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    sender_email = models.CharField(
        _("from (address)"), max_length=254, blank=True, editable=False
    )
    sender_name = models.CharField(_("from (name)"), max_length=200, blank=True, editable=False)
    recipients = models.TextField(_("to"), blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=300, blank=True, editable=False)
    text = models.TextField(_("text"), blank=True, editable=False)
    outcome = models.CharField(_("what became of it"), max_length=20, choices=Outcome, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    # What it became: a complaint's timeline, an interaction (customers imports no app above).
    record_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("record_type", "record_id")

    class Meta:
        verbose_name = _("email received")
        verbose_name_plural = _("emails received")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["customer", "-received_at"], name="inbound_customer_idx"),
        ]

    def __str__(self):
        return f"{self.sender_email}: {self.subject}"

    def get_absolute_url(self):
        return reverse("customers:mail", args=[self.pk])

    @property
    def is_inbound_email(self) -> bool:
        """Tell templates that a follow-up's source is an email to read."""
        return True

    @property
    def sender(self) -> str:
        if self.sender_name:
            return f"{self.sender_name} <{self.sender_email}>"
        return self.sender_email

    @property
    def recipient_list(self) -> list[str]:
        return [address for address in self.recipients.split(",") if address]


class InboundAttachment(models.Model):
    """A file that came with an email: kept (its bytes in the database) or refused, with why.

    In the database, as import files are (crm.ImportJob): every web process and worker sees it
    without shared disk, and a backup of the database has it. INBOUND_ATTACHMENT_MAX_MB bounds
    each one. Written once, never edited: no history (tests/crm/test_history.py).
    """

    message = models.ForeignKey(
        InboundMessage, on_delete=models.PROTECT, related_name="attachments"
    )
    filename = models.CharField(_("file name"), max_length=255, editable=False)
    content_type = models.CharField(_("type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content = models.BinaryField(_("content"), null=True, editable=False)
    refused_because = models.CharField(
        _("refused because"), max_length=300, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("email attachment")
        verbose_name_plural = _("email attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.filename

    @property
    def is_kept(self) -> bool:
        return not self.refused_because


# The messages to customers live in their own module (customers/messaging/); Django finds
# models through this one.
from customers.messaging.models import (  # noqa: E402
    CustomerMessage as CustomerMessage,
)
from customers.messaging.models import (  # noqa: E402
    MessageTemplate as MessageTemplate,
)
from customers.messaging.models import (  # noqa: E402
    MessagingSettings as MessagingSettings,
)
