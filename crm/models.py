from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# A closing time of 00:00 means the end of the day: a TimeField cannot hold 24:00, and without
# it a business open until midnight would lose the last minute of every day.
MIDNIGHT = time(0, 0)


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task; /healthz reports the newest."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
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
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.name} ({self.date.isoformat()})"


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
        _("resource"), max_length=200, help_text=_("Dotted path of the import's resource class.")
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
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
