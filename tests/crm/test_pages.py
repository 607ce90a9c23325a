import gzip

import pytest

from tests.factories import CustomerFactory

NAVIGATION = ["/", "/customers/", "/followups/", "/complaints/", "/onboarding/", "/reports/"]


@pytest.mark.parametrize("path", [*NAVIGATION, "/search/?q=anna"])
def test_every_navigation_target_answers_for_front_line_staff(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    for target in NAVIGATION:
        assert f'href="{target}"'.encode() in response.content


def test_the_current_section_is_marked_in_the_navigation(staff_client):
    response = staff_client.get("/complaints/")
    assert b'class="nav-link active" aria-current="page" href="/complaints/"' in response.content


def test_only_owners_see_the_admin_link(client, staff, owner):
    client.force_login(staff)
    assert b'href="/admin/"' not in client.get("/").content
    client.force_login(owner)
    assert b'href="/admin/"' in client.get("/").content


def test_the_admin_is_branded_tend_and_open_to_owners_only(client, staff, owner):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.force_login(owner)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"<title>Administration | Tend</title>" in response.content


def test_search_keeps_the_query_in_the_box(staff_client):
    response = staff_client.get("/search/", {"q": "Anna Lee"})
    assert b'value="Anna Lee"' in response.content


def test_pages_carry_a_strict_content_security_policy(staff_client):
    policy = staff_client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_are_gzipped_for_clients_that_accept_it(staff_client):
    CustomerFactory.create_batch(5)

    response = staff_client.get("/customers/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    plain = staff_client.get("/customers/")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Customers" in gzip.decompress(response.content)
    assert len(response.content) < len(plain.content) / 2
    assert not plain.has_header("Content-Encoding")
