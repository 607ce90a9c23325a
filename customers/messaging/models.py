"""What Tend sends customers: the outbox of messages, their templates, the sender's name."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.choices import ChoiceLabels
from crm.models import OutboxItem, OutboxQuerySet
from crm.text import validate_single_line
from customers.models import Customer


class MessageEvent(models.TextChoices):
    COMPLAINT_LOGGED = "complaint_logged", _("Complaint logged")
    PROMISE_SET = "promise_set", _("Promised time set")
    PROMISE_MOVED = "promise_moved", _("Promised time moved")
    REMEDY_GRANTED = "remedy_granted", _("Remedy delivered")
    RESOLVED = "resolved", _("Complaint resolved")
    CHECK_IN_SURVEY = "check_in_survey", _("Check-in survey")
    CALLBACK_BOOKED = "callback_booked", _("Call back booked")


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class CustomerMessageQuerySet(OutboxQuerySet):
    def to_customer(self, customer):
        """Messages to this customer, whatever became of them."""
        return self.filter(customer=customer)

    def about(self, obj):
        """Messages about this object (a complaint, a follow-up)."""
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)

    def newest_first(self):
        """Order by creation, newest first; the id breaks ties."""
        return self.order_by("-created_at", "-pk")


class CustomerMessage(ChoiceLabels, OutboxItem):
    """One message to one customer about one event, kept until it has been sent.

    Written in the transaction of the change it tells about and sent by the shared outbox
    (crm/outbox.py). ``event_key`` is unique: a retried task or a form sent twice writes, and
    so sends, one message per event.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    event = models.CharField(_("event"), max_length=30, choices=MessageEvent)
    event_key = models.CharField(
        _("event key"), max_length=200, unique=True, validators=[validate_single_line]
    )
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel, blank=True)
    recipient = models.CharField(
        _("to"),
        max_length=254,
        blank=True,
        validators=[validate_single_line],
        help_text=_("An email address or a phone number in international form."),
    )
    sender_name = models.CharField(
        _("sender name"), max_length=100, blank=True, validators=[validate_single_line]
    )
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, validators=[validate_single_line]
    )
    body = models.TextField(_("body"), blank=True)
    # What it is about: a complaint, a follow-up (customers imports neither app above it).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )

    objects = CustomerMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed", "skipped"]),
                name="customers_message_status_valid",
            ),
        ]
        indexes = [
            # CustomerMessage.objects.due(now=...): the catch-up's batches and /healthz.
            models.Index(
                fields=["next_attempt_at"],
                name="customers_message_queued_idx",
                condition=Q(status="queued"),
            ),
            # CustomerMessage.objects.failed_since(...): /healthz's failed count.
            models.Index(
                fields=["created_at"],
                name="customers_message_failed_idx",
                condition=Q(status="failed"),
            ),
            # ….to_customer(customer).newest_first(): the customer's timeline.
            models.Index(fields=["customer", "-created_at"], name="customers_message_cust_idx"),
            # ….about(obj): the survey sweep's "not asked yet" and a complaint's messages.
            models.Index(fields=["about_type", "about_id"], name="customers_message_about_idx"),
        ]

    def __str__(self):
        return self.event_key


class MessageTemplate(ChoiceLabels, models.Model):
    """The words of one event's message on one channel, as owners wrote them.

    Placeholders in braces ({reference}) are filled when the message is written; the admin
    refuses any name not in customers/messaging/placeholders.py.
    """

    event = models.CharField(_("event"), max_length=30, choices=MessageEvent)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel)
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Email only; a text message has none."),
    )
    body = models.TextField(_("body"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="customers_template_one_per_event_channel"
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} ({self.get_channel_display()})"


class MessagingSettings(models.Model):
    """The business's name and signature on every message to customers (one row)."""

    sender_name = models.CharField(
        _("sender name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Shown as who the email is from, and as {sender_name} in templates."),
    )
    signature = models.TextField(
        _("signature"), blank=True, help_text=_("Shown as {signature} in templates.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message settings")
        verbose_name_plural = _("message settings")
        # Owners only: front-line staff may add and change most of customers, not these.
        permissions = [
            ("manage_customer_messages", _("Can edit the messages sent to customers")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name).capitalize()

    @classmethod
    def load(cls) -> "MessagingSettings":
        """Return the one row; a database without it (never migrated data) gets the default."""
        settings = cls.objects.order_by("pk").first()
        return settings or cls(sender_name="Tend", signature="")
