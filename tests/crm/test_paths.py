"""crm.paths.path_for gives what reverse() gives, reversing each URL name once."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, re_path, reverse, set_script_prefix
from django.utils import translation

from crm import paths


def _view(request, **kwargs):
    return HttpResponse()


# Patterns of shapes Tend's own URLs do not have (yet): two numbers, a regular expression.
urlpatterns = [
    path("pairs/<int:first>/with/<int:second>/", _view, name="pair"),
    re_path(r"^years/(?P<year>[0-9]{4})/$", _view, name="year"),
    # reverse() writes the é as %C3%A9: a percent sign in the kept path
    path("café/<int:pk>/", _view, name="cafe"),
]

RECORD_URLS = [
    "customers:detail",
    "followups:detail",
    "followups:outcome",
    "complaints:detail",
    "complaints:remedy_decide",
    "complaints:handoff_accept",
    "onboarding:detail",
    "onboarding:handoff_decline",
    "crm:notice_open",
]


@pytest.fixture(autouse=True)
def _fresh_templates():
    paths._template.cache_clear()
    yield
    paths._template.cache_clear()


@pytest.mark.parametrize("name", RECORD_URLS)
@pytest.mark.parametrize("number", [0, 7, 123_456_789])
def test_a_record_path_is_the_one_reverse_gives(name, number):
    assert paths.path_for(name, number) == reverse(name, args=[number])
    # again, from the kept template
    assert paths.path_for(name, number + 1) == reverse(name, args=[number + 1])


def test_a_name_is_reversed_once_then_filled_in(monkeypatch):
    reversed_names = []
    real_reverse = paths.reverse

    def counting_reverse(name, *args, **kwargs):
        reversed_names.append(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(paths, "reverse", counting_reverse)

    shown = [paths.path_for("followups:detail", number) for number in range(1, 26)]

    assert reversed_names == ["followups:detail"]
    assert shown[24] == reverse("followups:detail", args=[25])


def test_a_path_without_numbers_and_one_with_two():
    assert paths.path_for("followups:list") == reverse("followups:list")
    with override_settings(ROOT_URLCONF=__name__):
        assert paths.path_for("pair", 3, 12) == "/pairs/3/with/12/"
        assert paths.path_for("pair", 12, 3) == "/pairs/12/with/3/"


def test_what_is_no_record_number_goes_through_reverse():
    assert paths.path_for("complaints:action", 4, "close") == reverse(
        "complaints:action", args=[4, "close"]
    )
    with pytest.raises(NoReverseMatch):
        paths.path_for("customers:detail", -1)
    with pytest.raises(NoReverseMatch):
        paths.path_for("customers:detail", "12; drop")
    with pytest.raises(NoReverseMatch):
        paths.path_for("no:such-name", 1)


def test_a_pattern_that_refuses_the_stand_ins_is_reversed_every_time():
    with override_settings(ROOT_URLCONF=__name__):
        assert paths.path_for("year", 2026) == "/years/2026/"
        with pytest.raises(NoReverseMatch):
            paths.path_for("year", 26)


def test_a_percent_sign_in_the_path_is_kept():
    with override_settings(ROOT_URLCONF=__name__):
        assert paths.path_for("cafe", 5) == reverse("cafe", args=[5]) == "/caf%C3%A9/5/"


def test_the_site_prefix_and_the_urlconf_are_followed():
    before = paths.path_for("customers:detail", 5)
    set_script_prefix("/tend/")
    try:
        assert paths.path_for("customers:detail", 5) == "/tend" + before
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF=__name__), pytest.raises(NoReverseMatch):
        paths.path_for("customers:detail", 5)
    assert paths.path_for("customers:detail", 5) == before


def test_each_language_has_its_own_template(monkeypatch):
    seen = []
    real_template = paths._template.__wrapped__

    def recording(name, count, urlconf, prefix, language):
        seen.append(language)
        return real_template(name, count, urlconf, prefix, language)

    monkeypatch.setattr(paths, "_template", paths.lru_cache(recording))
    with translation.override("en"):
        paths.path_for("customers:detail", 1)
    with translation.override("de"):
        paths.path_for("customers:detail", 1)

    assert seen == ["en", "de"]
