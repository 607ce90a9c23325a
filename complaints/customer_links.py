"""The two ways a customer reaches back into a complaint without logging in.

- A **reply address** unique to the complaint, put on every message about it as Reply-To:
  ``replies+c-000123-k3j9x2ab@tend.example`` (plus addressing on REPLY_ADDRESS). The tag after
  the reference is a keyed hash, so nobody can thread mail into a complaint by guessing its
  reference; the address never expires, since a customer may answer months later.
- A **survey link** for the check-in after resolution: signed and timestamped with Django's
  signing, valid for SURVEY_LINK_DAYS. It names the complaint and the resolution it asks about,
  so a link sent before a reopening cannot answer the check-in of a later resolution.
  Single use is the database's business: a check-in answered once is not answered again.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from complaints.models import reference_for

SURVEY_LINK_DAYS = 30
SURVEY_PATH = "/survey/{token}/"
_REPLY_SALT = "complaints.customer_links.reply"
_SURVEY_SALT = "complaints.customer_links.survey"
_TAG_LENGTH = 10
_REPLY_TAG = re.compile(rf"^c-(\d{{6,}})-([0-9a-z]{{{_TAG_LENGTH}}})$")


def _tag(complaint_id: int) -> str:
    digest = salted_hmac(_REPLY_SALT, str(complaint_id), algorithm="sha256").hexdigest()
    # Base 36 of the digest's first 64 bits, cut: short enough for an address, 51 bits of key.
    return _base36(int(digest[:16], 16))[:_TAG_LENGTH].rjust(_TAG_LENGTH, "0")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"


def reply_address(complaint_id: int) -> str | None:
    """Return the complaint's own reply address, or None when REPLY_ADDRESS is not set."""
    general = settings.REPLY_ADDRESS
    if not general:
        return None
    local, _at, domain = general.rpartition("@")
    reference = reference_for(complaint_id).lower()
    return f"{local}+{reference}-{_tag(complaint_id)}@{domain}"


def complaint_id_for_address(address: str) -> int | None:
    """Return the complaint a reply address belongs to; None for any other or forged address.

    Case does not matter (mail systems may change it); the domain is not checked, since a
    provider may deliver to an alias of it.
    """
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    _general, plus, tag = local.partition("+")
    found = _REPLY_TAG.match(tag) if plus else None
    if not found:
        return None
    complaint_id = int(found[1])
    return complaint_id if constant_time_compare(_tag(complaint_id), found[2]) else None


@dataclass(frozen=True)
class SurveyLink:
    """What a survey link names: the complaint and the time of the resolution it asks about."""

    complaint_id: int
    resolved_at: datetime


class SurveyLinkInvalid(Exception):
    """The link was tampered with or is not a survey link."""


class SurveyLinkExpired(Exception):
    """The link is genuine but older than SURVEY_LINK_DAYS."""


def survey_token(complaint_id: int, resolved_at: datetime) -> str:
    """Return the signed token of the survey about this resolution of the complaint."""
    payload = {"c": complaint_id, "r": resolved_at.isoformat()}
    return signing.dumps(payload, salt=_SURVEY_SALT, compress=True)


def survey_url(complaint_id: int, resolved_at: datetime) -> str:
    """Return the absolute survey link (SITE_URL and SURVEY_PATH) sent to the customer."""
    path = SURVEY_PATH.format(token=survey_token(complaint_id, resolved_at))
    return settings.SITE_URL.rstrip("/") + path


def read_survey_token(token: str) -> SurveyLink:
    """Return what a survey token names; raise SurveyLinkExpired or SurveyLinkInvalid."""
    try:
        payload = signing.loads(token, salt=_SURVEY_SALT, max_age=timedelta(days=SURVEY_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise SurveyLinkExpired from error
    except signing.BadSignature as error:
        raise SurveyLinkInvalid from error
    try:
        return SurveyLink(int(payload["c"]), datetime.fromisoformat(payload["r"]))
    except (KeyError, TypeError, ValueError) as error:
        raise SurveyLinkInvalid from error
