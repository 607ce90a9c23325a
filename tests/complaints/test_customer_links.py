"""Reply addresses and survey links: they name their complaint and cannot be forged."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from complaints.customer_links import (
    SURVEY_LINK_DAYS,
    SurveyLink,
    SurveyLinkExpired,
    SurveyLinkInvalid,
    complaint_id_for_address,
    read_survey_token,
    reply_address,
    survey_token,
    survey_url,
)

RESOLVED = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def replies(settings):
    settings.REPLY_ADDRESS = "replies@tend.example"


def test_reply_address_names_the_complaint(replies):
    address = reply_address(123)
    assert address.startswith("replies+c-000123-")
    assert address.endswith("@tend.example")
    assert complaint_id_for_address(address) == 123
    assert complaint_id_for_address(f"<{address.upper()}>") == 123


def test_no_reply_address_without_the_setting(settings):
    settings.REPLY_ADDRESS = ""
    assert reply_address(123) is None


@pytest.mark.parametrize(
    "address",
    [
        "replies@tend.example",
        "replies+c-000124-aaaaaaaaaa@tend.example",
        "someone@example.com",
        "replies+c-000123@tend.example",
        "",
    ],
)
def test_other_or_forged_addresses_name_no_complaint(replies, address):
    assert complaint_id_for_address(address) is None


def test_a_tag_of_another_complaint_is_refused(replies):
    tag = reply_address(7).split("-")[-1]
    assert complaint_id_for_address(f"replies+c-000008-{tag}") is None


def test_survey_token_round_trip(settings):
    settings.SITE_URL = "https://tend.example/"
    url = survey_url(42, RESOLVED)
    token = url.removeprefix("https://tend.example/survey/").removesuffix("/")
    assert read_survey_token(token) == SurveyLink(42, RESOLVED)


def test_tampered_survey_token_is_invalid():
    token = survey_token(42, RESOLVED)
    with pytest.raises(SurveyLinkInvalid):
        read_survey_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(SurveyLinkInvalid):
        read_survey_token("not-a-token")


def test_survey_token_expires():
    with time_machine.travel(RESOLVED, tick=False):
        token = survey_token(42, RESOLVED)
    with time_machine.travel(RESOLVED + timedelta(days=SURVEY_LINK_DAYS - 1), tick=False):
        assert read_survey_token(token).complaint_id == 42
    late = RESOLVED + timedelta(days=SURVEY_LINK_DAYS, seconds=1)
    with time_machine.travel(late, tick=False), pytest.raises(SurveyLinkExpired):
        read_survey_token(token)
