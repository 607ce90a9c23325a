"""The default business week: in the seeds, on owners' My day, and one click in the admin
(issue 13, item 6)."""

from datetime import date, time

import pytest
from django.core.management import call_command

from crm.calendar import DEFAULT_WEEK, BusinessCalendar, set_default_week
from crm.models import BusinessHours, Holiday

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/crm/businesshours/"


def week() -> list[tuple[int, time, time]]:
    return list(
        BusinessHours.objects.order_by("weekday").values_list("weekday", "opens", "closes")
    )


MONDAY_TO_FRIDAY = [(weekday, time(9), time(17)) for weekday in range(5)]


def test_a_business_without_hours_gets_monday_to_friday_nine_to_five():
    assert set_default_week() is True

    assert week() == MONDAY_TO_FRIDAY
    assert BusinessCalendar.load().is_default_week
    # Written with history, so owners see where the rows came from.
    assert BusinessHours.history.count() == 5


def test_hours_someone_set_are_never_touched_and_running_it_again_changes_nothing():
    BusinessHours.objects.create(weekday=5, opens=time(10), closes=time(14))

    assert set_default_week() is False
    assert set_default_week() is False

    assert week() == [(5, time(10), time(14))]


def test_tuned_hours_or_a_holiday_are_no_longer_the_default_week():
    set_default_week()
    Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")
    assert not BusinessCalendar.load().is_default_week

    Holiday.objects.all().delete()
    BusinessHours.objects.filter(weekday=4).update(closes=time(16))
    assert not BusinessCalendar.load().is_default_week
    assert DEFAULT_WEEK[4] == ((time(9), time(17)),)


def test_seed_demo_sets_the_default_week_first_and_says_so(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")

    assert week() == MONDAY_TO_FRIDAY
    assert "Monday to Friday, 09:00 to 17:00" in capsys.readouterr().out


def test_seed_scale_sets_the_default_week(capsys):
    call_command("seed_scale", customers=3)

    assert week() == MONDAY_TO_FRIDAY
    assert "Monday to Friday, 09:00 to 17:00" in capsys.readouterr().out


# --- On the owners' My day -----------------------------------------------------------------------


def my_day(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_owners_see_the_default_hours_with_a_link_to_change_them(client, owner):
    set_default_week()

    html = my_day(client, owner)

    assert 'id="business-hours"' in html
    assert "Monday to Friday, 09:00–17:00" in html  # noqa: RUF001
    assert f'href="{ADMIN_LIST}"' in html
    assert "Change hours and holidays" in html


def test_owners_are_told_when_no_hours_are_set_at_all(client, owner):
    html = my_day(client, owner)

    assert "No business hours are set" in html
    assert "Set business hours" in html


def test_the_line_goes_once_the_owner_made_the_hours_their_own(client, owner):
    set_default_week()
    BusinessHours.objects.filter(weekday=0).update(opens=time(8))

    assert 'id="business-hours"' not in my_day(client, owner)


@pytest.mark.parametrize("actor", ["staff", "supervisor"])
def test_people_who_cannot_change_the_hours_do_not_see_the_line(client, actor, request):
    assert 'id="business-hours"' not in my_day(client, request.getfixturevalue(actor))


# --- The admin page ------------------------------------------------------------------------------


def test_the_admin_explains_the_week_and_offers_the_default_while_there_is_none(client, owner):
    client.force_login(owner)

    html = client.get(ADMIN_LIST).content.decode()

    assert "Times are wall-clock times in" in html
    assert "No rows at all means open around the clock" in html
    assert 'id="default-week"' in html


def test_one_click_in_the_admin_sets_the_default_week(client, owner):
    client.force_login(owner)

    response = client.post(f"{ADMIN_LIST}default-week/")

    assert response.status_code == 302
    assert response.url == ADMIN_LIST
    assert week() == MONDAY_TO_FRIDAY
    html = client.get(ADMIN_LIST).content.decode()
    assert 'id="default-week"' not in html
    assert 'value="09:00:00"' in html


def test_the_default_week_button_changes_nothing_when_hours_exist_or_on_a_get(client, owner):
    BusinessHours.objects.create(weekday=5, opens=time(10), closes=time(14))
    client.force_login(owner)

    assert client.get(f"{ADMIN_LIST}default-week/").status_code == 405
    client.post(f"{ADMIN_LIST}default-week/")

    assert week() == [(5, time(10), time(14))]


def test_only_owners_reach_the_default_week_button(client, supervisor):
    client.force_login(supervisor)

    response = client.post(f"{ADMIN_LIST}default-week/")

    assert response.status_code == 302
    assert "/admin/login/" in response.url
    assert not BusinessHours.objects.exists()


def test_the_holiday_list_says_what_a_holiday_does_and_names_each_weekday(client, owner):
    Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")
    client.force_login(owner)

    html = client.get("/admin/crm/holiday/").content.decode()

    assert "Days the business is closed all day: no deadline counts them." in html
    assert "Friday" in html
