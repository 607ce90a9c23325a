"""A list's filter fields are drawn once and then kept, and never shown stale."""

import pytest

from crm.templatetags import filter_forms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawings(monkeypatch):
    """Count the times the filter fields are drawn rather than taken from the cache."""
    drawn = []
    render = filter_forms.render_to_string

    def counting(*args, **kwargs):
        drawn.append(args[0])
        return render(*args, **kwargs)

    monkeypatch.setattr(filter_forms, "render_to_string", counting)
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
