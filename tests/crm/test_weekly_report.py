"""The owners' weekly report: sent once per owner and week, with the page's own figures."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core import mail

from complaints import remedy_reports
from crm import tasks, weekly_report
from crm.models import WeeklyReportLog
from crm.reporting import Period, Scope, percent_text
from tests.factories import ComplaintFactory, RemedyFactory, UserFactory

pytestmark = pytest.mark.django_db

# Monday 23 November 2026, 07:00 in the business's zone (UTC in tests): last week is 16-22.
MONDAY = datetime(2026, 11, 23, 7, tzinfo=UTC)
LAST_WEEK = Period.between(date(2026, 11, 16), date(2026, 11, 22))


def in_last_week(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_last_week_is_monday_to_sunday_before_this_week():
    assert weekly_report.last_week(MONDAY) == LAST_WEEK
    assert weekly_report.last_week(datetime(2026, 11, 29, 23, tzinfo=UTC)) == LAST_WEEK


def test_each_active_owner_gets_one_email_per_week(clock, owner, staff, settings):
    settings.SITE_URL = "https://tend.example.com/"
    second_owner = UserFactory(group="Owners")
    UserFactory(group="Owners", is_active=False)
    clock.set(MONDAY)

    assert tasks.send_weekly_owner_report() == 2
    # A retried or doubled run sends nothing more.
    assert tasks.send_weekly_owner_report() == 0

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [owner.email, second_owner.email]
    )
    assert WeeklyReportLog.objects.filter(week=LAST_WEEK.first_day).count() == 2
    body = mail.outbox[0].body
    assert (
        "https://tend.example.com/reports/?period=custom&date_from=2026-11-16&date_to=2026-11-22"
        in body
    )
    assert mail.outbox[0].subject == "Tend: the week of 2026-11-16"


def test_a_failed_sending_is_retried_without_a_second_copy(clock, owner, monkeypatch):
    clock.set(MONDAY)

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(weekly_report, "send_mail", refuse)
    with pytest.raises(OSError):
        weekly_report.send_weekly_report()
    assert not WeeklyReportLog.objects.exists()
    monkeypatch.undo()
    assert weekly_report.send_weekly_report() == 1
    assert weekly_report.send_weekly_report() == 0
    assert len(mail.outbox) == 1


def test_the_weekly_report_is_scheduled_on_monday_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-owner-report"]
    assert entry["task"] == "crm.tasks.send_weekly_owner_report"
    assert entry["schedule"].day_of_week == {1}
    assert entry["schedule"].hour == {7}


def test_the_emails_figures_are_the_pages_and_the_csvs(clock, client, owner, staff):
    # given last week's remedies and check-ins
    for amount in ("20", "35.50"):
        RemedyFactory(
            proposed_by=staff,
            amount=Decimal(amount),
            proposed_at=in_last_week(17),
            decision="approved",
            auto_approved=True,
            decided_at=in_last_week(17),
        )
    for satisfied, rating in ((True, 5), (True, 4), (False, 2)):
        ComplaintFactory(
            owner=staff,
            outcome_satisfied=satisfied,
            handling_rating=rating,
            checked_in_at=in_last_week(18),
        )
    clock.set(MONDAY)
    # when
    weekly_report.send_weekly_report()
    client.force_login(owner)
    page = client.get(
        "/reports/",
        {"period": "custom", "date_from": "2026-11-16", "date_to": "2026-11-22"},
    )
    csv_response = client.get(
        "/reports/",
        {
            "period": "custom",
            "date_from": "2026-11-16",
            "date_to": "2026-11-22",
            "format": "csv",
            "table": "remedies-by-kind",
        },
    )
    # then: the email's lines are the section functions' figures for the same week ...
    body = mail.outbox[0].body
    answers = remedy_reports.satisfaction(start=LAST_WEEK.start, end=LAST_WEEK.end)
    satisfied = percent_text(answers.satisfied, answers.check_ins)
    assert satisfied == "66.7 % (2 of 3)"
    assert f"- Satisfied at the check-in: {satisfied}" in body
    assert "- Remedies granted: 2 (55.50)" in body
    # ... the page shows the same figures for that week ...
    sections = {section.key: section for section in page.context["sections"]}
    figures = {figure.label: figure.value for figure in sections["satisfaction"].figures}
    assert figures["Satisfied with the outcome"] == satisfied
    assert page.context["scope"] == Scope()
    # ... and the CSV's granted column adds up to the email's remedies granted.
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert sum(int(row["Granted"]) for row in rows) == 2
    assert sum(Decimal(row["Granted, money"]) for row in rows) == Decimal("55.50")
