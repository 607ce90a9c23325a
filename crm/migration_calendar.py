"""The business calendar as a data migration sees it: built from the historical models.

Migrations that back-fill a stored duration in business minutes use it; the live code uses
BusinessCalendar.load(), which reads the current models.
"""

from crm.calendar import BusinessCalendar

# Rows written back per statement when a migration back-fills a column.
BATCH = 2000


def calendar_from(apps) -> BusinessCalendar:
    """Return the business calendar from the historical BusinessHours and Holiday models."""
    hours: dict[int, list] = {}
    for weekday, opens, closes in apps.get_model("crm", "BusinessHours").objects.values_list(
        "weekday", "opens", "closes"
    ):
        hours.setdefault(weekday, []).append((opens, closes))
    holidays = apps.get_model("crm", "Holiday").objects.values_list("date", flat=True)
    return BusinessCalendar(hours, holidays)
