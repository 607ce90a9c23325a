"""The rows' date filter (crm/jinja.py) writes what Django's ``date`` filter writes."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.template import defaultfilters, engines
from django.test import override_settings
from django.utils import translation
from django.utils.timezone import template_localtime
from hypothesis import given, settings
from hypothesis import strategies as st

from crm import jinja

ROW_FORMATS = ["c", "D d M, H:i", "D d M", "D d M H:i"]
LANGUAGES = ["en", "de", "fr", "ja", "pt-br"]
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


def djangos(value, format_string):
    return defaultfilters.date(template_localtime(value), format_string)


def rows(value, format_string, **context):
    template = engines["jinja2"].env.from_string("{{ value|date(format) }}")
    return template.render({"value": value, "format": format_string, **context})


@settings(max_examples=200, deadline=None)
@given(
    # hypothesis takes naive bounds and puts the time zone on
    moment=st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001
        max_value=datetime(2090, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    format_string=st.one_of(
        st.sampled_from(ROW_FORMATS),
        st.text(alphabet="DdMHi ,:-./jNY\\", max_size=12),
    ),
    language=st.sampled_from(LANGUAGES),
    zone=st.sampled_from(ZONES),
)
def test_every_moment_is_written_as_djangos_date_filter_writes_it(
    moment, format_string, language, zone
):
    with override_settings(TIME_ZONE=zone), translation.override(language):
        expected = djangos(moment, format_string)
        assert rows(moment, format_string) == str(defaultfilters.escape(expected))
        # with the language {% rows %} hands its rows
        assert rows(moment, format_string, LANGUAGE_CODE=language) == rows(moment, format_string)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        date(2026, 11, 23),
        datetime(2026, 11, 23, 9, 5, tzinfo=timezone(timedelta(hours=-3))),
    ],
)
@pytest.mark.parametrize("format_string", ROW_FORMATS)
def test_dates_and_nothing_are_written_as_djangos_filter_writes_them(value, format_string):
    try:
        expected = djangos(value, format_string)
    except TypeError:  # a date has no hours: Django refuses the format, and so do the rows
        with pytest.raises(TypeError):
            jinja.date({}, value, format_string)
        return
    assert rows(value, format_string) == expected
