from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.choices import ChoiceLabels
from crm.text import validate_single_line

# A closing time of 00:00 means the end of the day: a TimeField cannot hold 24:00, and without
# it a business open until midnight would lose the last minute of every day.
MIDNIGHT = time(0, 0)


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task; /healthz reports the newest.

    Bookkeeping written by the workers, never by people: it keeps no history.
    """

    worker = models.CharField(
        _("worker"), max_length=200, unique=True, validators=[validate_single_line]
    )
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.worker


class Weekday(models.IntegerChoices):
    # The numbers are Python's date.weekday(), which the business calendar relies on.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """One opening interval on a weekday; several rows make a day with breaks.

    No rows at all means the business runs around the clock.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(
        _("closes"), help_text=_("00:00 means midnight, the end of the day.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes=MIDNIGHT),
                name="crm_businesshours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=Weekday.MONDAY, weekday__lte=Weekday.SUNDAY),
                name="crm_businesshours_weekday_valid",
                violation_error_message=_("Weekday must be Monday to Sunday."),
            ),
        ]

    def __str__(self):
        closes = "24:00" if self.closes == MIDNIGHT else f"{self.closes:%H:%M}"
        # An en dash, as a range is written in the admin's prose.
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{closes}"  # noqa: RUF001


class Holiday(models.Model):
    """A date the business is closed all day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.name} ({self.date.isoformat()})"


class PasswordResetRequest(models.Model):
    """One request for a password-reset email, kept only as long as the throttling window.

    Recorded for every request, known address or not, so the throttle answers the same either
    way and gives away nothing about who has an account.
    """

    requested_at = models.DateTimeField(_("requested at"))
    email = models.EmailField(_("email"), max_length=254)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            # The throttle's two counts: recent requests for an email, and from an address.
            models.Index(fields=["email", "requested_at"], name="crm_pwreset_email_time_idx"),
            models.Index(fields=["ip_address", "requested_at"], name="crm_pwreset_ip_time_idx"),
            # Dropping the requests that have left the window.
            models.Index(fields=["requested_at"], name="crm_pwreset_time_idx"),
        ]

    def __str__(self):
        return f"{self.email} ({self.requested_at.isoformat()})"


class OutboxQuerySet(models.QuerySet):
    def due(self, *, now):
        """Queued rows due an attempt: never tried, retrying, or claimed too long ago."""
        return self.filter(status="queued", next_attempt_at__lte=now)

    def failed_since(self, since):
        """Rows that could not be sent, created since the given time."""
        return self.filter(status="failed", created_at__gte=since)


class OutboxItem(models.Model):
    """What the outbox (crm/outbox.py) keeps on each row it delivers, whatever the row says.

    A concrete outbox (staff notices, customer messages) adds who it goes to and what it says,
    a ``status`` with the values queued, sent, failed and skipped, and a partial index on
    ``next_attempt_at`` for the queued rows.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a sender may next take the row: now when written, later after a failure (the
    # backoff), and a lease ahead while one sends it, so a sender that died is replaced.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # Who took it last: a sender reads back exactly the rows its own claim won.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class NoticeQuerySet(OutboxQuerySet):
    def addressed_to(self, user):
        """Notices to this person, whatever became of their email."""
        return self.filter(recipient=user)

    def unread(self):
        """Notices their recipient has not opened in the app (nor marked read)."""
        return self.filter(read_at__isnull=True)

    def newest_first(self):
        """Order by creation, newest first; the id breaks ties within one sweep."""
        return self.order_by("-created_at", "-pk")


class Notice(ChoiceLabels, OutboxItem):
    """One message to one person, kept in the database until it has been emailed.

    The row is written in the transaction of the change it tells about, so a broker that is
    down loses nothing: the catch-up sends what the task never did (crm.notices).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (no email)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_single_line])
    body = models.TextField(_("body"), blank=True)
    path = models.CharField(
        _("link"), max_length=500, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("email"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # When the recipient opened it in the app (/notices/) or marked it read; email is apart.
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed", "skipped"]),
                name="crm_notice_status_valid",
            ),
        ]
        indexes = [
            # Notice.objects.due(now=...): the catch-up's batches and /healthz's overdue count.
            models.Index(
                fields=["next_attempt_at"],
                name="crm_notice_queued_idx",
                condition=Q(status="queued"),
            ),
            # Notice.objects.failed_since(...): the failed count on owners' My day and /healthz.
            models.Index(
                fields=["created_at"],
                name="crm_notice_failed_idx",
                condition=Q(status="failed"),
            ),
            # Notice.objects.addressed_to(user).newest_first(): a person's page of notices.
            models.Index(fields=["recipient", "-created_at"], name="crm_notice_inbox_idx"),
            # ….addressed_to(user).unread().newest_first(): the unread count in the navigation
            # on every page and My day's newest unread; most notices get read, so it stays small.
            models.Index(
                fields=["recipient", "-created_at"],
                name="crm_notice_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.subject

    def mark_read(self, *, now=None) -> bool:
        """Record that the recipient has read the notice; return False if it was read before.

        Conditional, so the first reading's time stays whatever opens it again.
        """
        now = now or timezone.now()
        updated = Notice.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=now)
        if updated:
            self.read_at = now
        return bool(updated)


class ImportJob(models.Model):
    """A large CSV import run by a Celery worker, and what became of it.

    The file itself is kept here, not on a local disk, so that whichever web process received it
    and whichever worker runs it share it; it is dropped once the job has finished.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        CHECKING = "checking", _("Checking rows")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing imported")

    resource = models.CharField(
        _("resource"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Dotted path of the import's resource class."),
    )
    file_name = models.CharField(
        _("file name"), max_length=255, blank=True, validators=[validate_single_line]
    )
    content = models.BinaryField(_("file"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("records added"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    # [{"line": 12, "errors": {"email": ["Enter a valid email address."]}}, ...], in file order.
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("bad rows found"), default=0)
    # Why a job failed as a whole (e.g. the file changed meaning while it ran).
    failure = models.TextField(_("failure"), blank=True)
    started_at = models.DateTimeField(_("worker started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name or self.resource} ({self.get_status_display()})"

    def get_absolute_url(self):
        # The progress page lives in the admin of the model the file is imported into.
        opts = import_string(self.resource)._meta.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class WeeklyReportLog(models.Model):
    """One owner's weekly report for one week, claimed before it is sent so it goes out once.

    Bookkeeping written by the weekly report task (crm/weekly_report.py), never by people.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The Monday of the week reported on.
    week = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("weekly report sent")
        verbose_name_plural = _("weekly reports sent")
        ordering = ["-week"]
        constraints = [
            # A retried or doubled task races on this row: the loser sends nothing.
            models.UniqueConstraint(fields=["user", "week"], name="weeklyreportlog_one_per_week"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.week.isoformat()}"
