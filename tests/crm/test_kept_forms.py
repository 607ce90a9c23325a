"""Filter fields and empty forms are drawn once and then kept, and never shown stale."""

import re

import pytest

from crm.templatetags import kept_forms
from tests.factories import ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawings(monkeypatch):
    """Count the times the filter fields are drawn rather than taken from the cache."""
    drawn = []
    render = kept_forms.render_to_string

    def counting(*args, **kwargs):
        drawn.append(args[0])
        return render(*args, **kwargs)

    monkeypatch.setattr(kept_forms, "render_to_string", counting)
    return drawn


@pytest.mark.parametrize("path", ["/customers/", "/complaints/", "/followups/", "/onboarding/"])
def test_the_same_filters_are_drawn_once(staff_client, drawings, path):
    first = staff_client.get(path)
    second = staff_client.get(path)
    assert first.status_code == second.status_code == 200
    assert len(drawings) == 1
    assert 'name="status"' in second.content.decode() or 'name="due"' in second.content.decode()


def test_what_was_chosen_shows_as_chosen(staff_client):
    page = staff_client.get("/customers/", {"status": "former"}).content.decode()
    assert '<option value="former" selected>' in page
    page = staff_client.get("/customers/").content.decode()
    assert '<option value="former" selected>' not in page


def test_a_new_member_of_staff_is_in_the_owner_filter_at_once(staff_client, staff):
    staff_client.get("/customers/")
    newcomer = UserFactory(first_name="Zebedee", last_name="Newcomer")
    newcomer.groups.add(*staff.groups.all())
    assert "Zebedee Newcomer" in staff_client.get("/customers/").content.decode()


@pytest.fixture
def form_drawings(monkeypatch):
    """Count the empty forms drawn through crispy-forms rather than taken from the cache."""
    drawn = []
    draw = kept_forms.as_crispy_form

    def counting(form, *args, **kwargs):
        drawn.append(type(form).__name__)
        return draw(form, *args, **kwargs)

    monkeypatch.setattr(kept_forms, "as_crispy_form", counting)
    return drawn


def test_a_complaints_empty_forms_are_drawn_once(staff_client, staff, form_drawings):
    complaint = ComplaintFactory(owner=staff)
    first = staff_client.get(f"/complaints/{complaint.pk}/").content.decode()
    drawn_first = len(form_drawings)
    second = staff_client.get(f"/complaints/{complaint.pk}/").content.decode()

    assert drawn_first >= 5
    assert len(form_drawings) == drawn_first
    assert _without_tokens(first) == _without_tokens(second)


def test_a_new_member_of_staff_can_be_handed_a_complaint_at_once(staff_client, staff):
    complaint = ComplaintFactory(owner=staff)
    staff_client.get(f"/complaints/{complaint.pk}/")
    newcomer = UserFactory(first_name="Zebedee", last_name="Newcomer")
    newcomer.groups.add(*staff.groups.all())

    page = staff_client.get(f"/complaints/{complaint.pk}/").content.decode()

    assert "Zebedee Newcomer" in page


def test_a_form_with_errors_is_drawn_with_them_every_time(staff_client, staff, form_drawings):
    complaint = ComplaintFactory(owner=staff)
    action = f"/complaints/{complaint.pk}/do/handoff/"
    data = {"version": complaint.version, "handoff-note": ""}

    first = staff_client.post(action, data)
    second = staff_client.post(action, data)

    # Refused as a bad request, with the form and what was wrong in it.
    assert first.status_code == second.status_code == 400
    assert form_drawings.count("HandoffForm") == 2
    assert "This field is required." in second.content.decode()


def test_equal_forms_share_a_key_and_a_changed_initial_value_does_not():
    from complaints.forms import NoteForm

    def key(**initial):
        form = NoteForm(prefix="note", initial=initial)
        return kept_forms._cache_key("form", form, list(form))

    assert key() == key() is not None
    assert key(text="Called back") != key()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def field_drawings(monkeypatch):
    """Count the fields drawn through crispy-forms rather than taken from the cache."""
    drawn = []
    draw = kept_forms.as_crispy_field

    def counting(field, *args, **kwargs):
        drawn.append(field.name)
        return draw(field, *args, **kwargs)

    monkeypatch.setattr(kept_forms, "as_crispy_field", counting)
    return drawn


def test_the_phone_complaint_forms_fields_are_drawn_once(staff_client, field_drawings):
    first = staff_client.get("/complaints/new/").content.decode()
    drawn_first = len(field_drawings)
    second = staff_client.get("/complaints/new/").content.decode()

    assert {"customer_query", "customer_words", "severity"} <= set(field_drawings)
    assert len(field_drawings) == drawn_first
    assert _without_tokens(first) == _without_tokens(second)


def test_what_was_typed_into_a_refused_complaint_is_drawn_back_each_time(
    staff_client, field_drawings
):
    typed = {"customer_query": "Nobody by this name", "customer_words": "It broke twice"}

    first = staff_client.post("/complaints/new/", typed).content.decode()
    second = staff_client.post("/complaints/new/", typed).content.decode()

    assert field_drawings.count("customer_words") == 2
    assert "It broke twice" in first and "It broke twice" in second


@pytest.mark.parametrize("path", ["/customers/", "/complaints/", "/followups/", "/onboarding/"])
def test_the_filters_choices_are_read_in_plain_queries(staff_client, staff, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(first_name="Zelda").groups.add(*staff.groups.all())
    with CaptureQueriesContext(connection) as captured:
        page = staff_client.get(path).content.decode()

    # A model choice field's rows, not through a server-side cursor (PostgreSQL's DECLARE,
    # FETCH and CLOSE: three round trips a select).
    assert not [query for query in captured if query["sql"].startswith("DECLARE")]
    if path != "/followups/":  # staff filter only their own follow-ups: no owner to choose
        assert "Zelda" in page


def test_a_model_choice_fields_choices_are_listed_as_it_lists_them(staff):
    from django_filters.fields import ModelChoiceField as FilterModelChoiceField

    from complaints.models import Category

    field = FilterModelChoiceField(queryset=Category.objects.all(), null_label="No category")
    expected = [(str(value), str(label)) for value, label in iter(field.choices)]

    listed = kept_forms._listed(field.choices)

    assert [(str(value), str(label)) for value, label in listed] == expected
    assert listed[1] == ("null", "No category")
