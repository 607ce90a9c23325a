from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crm.text import validate_single_line

# A closing time of 00:00 means the end of the day: a TimeField cannot hold 24:00, and without
# it a business open until midnight would lose the last minute of every day.
MIDNIGHT = time(0, 0)


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task; /healthz reports the newest."""

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

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.name} ({self.date.isoformat()})"
