"""Rows lists repeat are drawn by Jinja2 (crm/jinja.py, crm/templatetags/rows.py): escaped,
in the business's time zone, with the page's CSRF token, on every page that lists them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

from tests.factories import ComplaintFactory, CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def test_what_people_typed_is_escaped_in_a_row(staff_client, staff):
    customer = CustomerFactory(name=HOSTILE)
    FollowUpFactory(owner=staff, created_by=staff, customer=customer, subject=HOSTILE)
    ComplaintFactory(owner=staff, customer=customer)

    for path in ("/", "/followups/", "/complaints/"):
        html = staff_client.get(path).content.decode()
        assert HOSTILE not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path


@override_settings(TIME_ZONE="America/New_York")
def test_a_rows_times_are_in_the_business_time_zone(staff_client, staff):
    due = timezone.now().replace(microsecond=0) + timedelta(days=3)
    FollowUpFactory(owner=staff, created_by=staff, due_at=due)

    html = staff_client.get("/followups/").content.decode()

    local = due.astimezone(timezone.get_default_timezone())
    assert f'<time datetime="{local.isoformat()}">' in html
    assert local.strftime("%a %d %b, %H:%M") in html


def test_a_rows_form_carries_the_pages_csrf_token(client, staff):
    FollowUpFactory(owner=staff, created_by=staff, due_at=timezone.now() - timedelta(hours=1))
    client.force_login(staff)

    html = client.get("/").content.decode()

    assert html.count('name="csrfmiddlewaretoken"') >= 1
    assert 'name="outcome" value="reached"' in html or 'name="outcome" value="done"' in html


def test_a_row_drawn_on_a_page_without_a_moment_compares_with_now(staff):
    overdue = FollowUpFactory(
        owner=staff, created_by=staff, due_at=datetime(2020, 1, 1, 9, tzinfo=UTC)
    )
    page = Template('{% load rows %}{% row "customers/rows/follow_up.html" follow_up=f %}')

    html = page.render(Context({"f": overdue, "user": staff}))

    assert "tend-overdue" in html
    assert "Overdue" in html


@override_settings(TIME_ZONE="Asia/Kolkata")
@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, 15, 250_000, tzinfo=UTC),
        date(2026, 11, 23),
        None,
    ],
)
def test_the_rows_iso_time_is_the_date_filters(value):
    from django.template import defaultfilters
    from django.utils.timezone import template_localtime

    from crm import jinja

    assert jinja.date({}, value, "c") == defaultfilters.date(template_localtime(value), "c")


@pytest.mark.parametrize(
    ("source", "variables"),
    [
        ("{{ _('Overdue') }}", {}),
        ("{{ _('Yes') }}", {}),
        ("{{ _('100%% sure') }}", {}),
        ("{{ _('From %(name)s:', name=name) }}", {"name": '<b>"Ann" & co</b>'}),
        ("{{ _('%(late)s past a deadline', late=late) }}", {"late": "2\xa0hours"}),
    ],
)
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_rows_words_are_jinjas_newstyle_gettext(source, variables, language):
    from django.template import engines
    from django.utils import translation
    from jinja2 import Environment

    reference = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    reference.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    rows = engines["jinja2"].env
    with translation.override(language):
        expected = reference.from_string(source).render(variables)
        assert rows.from_string(source).render(variables) == expected
        # with the language {% rows %} hands its rows
        drawn = rows.from_string(source).render({**variables, "LANGUAGE_CODE": language})
        assert drawn == expected
