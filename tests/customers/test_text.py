import pytest

from customers.text import normalise_phone, search_key

# normalise_phone


@pytest.mark.parametrize(
    "written",
    ["(202) 555-0101", "202.555.0101", "202 555 0101", "1-202-555-0101", "+1 202 555 0101"],
)
def test_a_number_written_in_any_common_way_gives_the_same_normal_form(settings, written):
    settings.PHONE_REGION = "US"

    assert normalise_phone(written) == "+12025550101"


def test_a_number_without_country_code_is_read_in_the_configured_region(settings):
    settings.PHONE_REGION = "GB"

    assert normalise_phone("020 7946 0958") == "+442079460958"


def test_a_number_with_a_country_code_keeps_its_country_whatever_the_region(settings):
    settings.PHONE_REGION = "US"

    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


def test_an_explicit_region_overrides_the_configured_one(settings):
    settings.PHONE_REGION = "US"

    assert normalise_phone("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize("text", ["", "abc", "1234", "ext. 12", "Acme 2000 Ltd"])
def test_text_with_fewer_than_five_digits_is_not_a_phone_number(text):
    assert normalise_phone(text) is None


@pytest.mark.parametrize("text", ["99999999999999999999", "call 202 555 0101 please"])
def test_text_that_is_not_a_possible_number_is_not_a_phone_number(settings, text):
    settings.PHONE_REGION = "US"

    assert normalise_phone(text) is None


# search_key


def test_search_key_folds_case():
    assert search_key("GreenField BAKERY") == "greenfield bakery"


def test_search_key_removes_accents():
    assert search_key("Zoë Crème Brûlée Ångström") == "zoe creme brulee angstrom"


def test_search_key_collapses_and_trims_blanks():
    assert search_key("  Acme \t  Plumbing\n Ltd ") == "acme plumbing ltd"


def test_search_key_folds_letters_that_lower_case_alone_would_keep():
    # casefold() turns ß into ss, and NFKD splits the ﬁ ligature, so either spelling matches.
    assert search_key("Straße ﬁne") == "strasse fine"


def test_search_key_of_nothing_is_empty():
    assert search_key("") == ""
