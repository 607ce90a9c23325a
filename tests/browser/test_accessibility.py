"""axe-core scans every main page at 360 px wide, as front-line staff and as an owner.

A serious or critical violation on any page fails the test, naming the page, the rule and the
elements. Adding a page: add one line to PAGES (its name and the URL, built from the world of
tests/world.py, which has an object in every state); a page for visitors goes in VISITOR_PAGES.
axe-core comes with axe-playwright-python (its axe.min.js), injected by Playwright, so the pages'
Content Security Policy stays as strict as it is.
"""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from complaints.customer_links import survey_token
from tests.browser.conftest import PHONE
from tests.browser.test_call_flow import sign_in
from tests.world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FAILING_IMPACTS = {"serious", "critical"}
ROLES = ["staff", "owner"]

PAGES: list[tuple[str, Callable[[World], str]]] = [
    ("My day", lambda w: reverse("crm:my_day")),
    ("Search results", lambda w: reverse("crm:search") + "?q=Bramble"),
    ("Reports", lambda w: reverse("crm:reports")),
    (
        "Reports, custom dates",
        lambda w: (
            reverse("crm:reports") + "?period=custom&date_from=2026-01-01&date_to=2026-12-31"
        ),
    ),
    ("Notices", lambda w: reverse("crm:notices")),
    ("Customers", lambda w: reverse("customers:list")),
    ("New customer", lambda w: reverse("customers:create")),
    ("Customer", lambda w: reverse("customers:detail", args=[w.customer.pk])),
    ("Edit customer", lambda w: reverse("customers:edit", args=[w.customer.pk])),
    ("Log a call", lambda w: reverse("customers:log", args=[w.customer.pk])),
    ("New follow-up", lambda w: reverse("customers:follow_up_create", args=[w.customer.pk])),
    ("Follow-ups", lambda w: reverse("followups:list")),
    ("Follow-up", lambda w: reverse("followups:detail", args=[w.follow_up.pk])),
    ("Complaints", lambda w: reverse("complaints:list")),
    ("Log a complaint", lambda w: reverse("complaints:create")),
    ("Approvals", lambda w: reverse("complaints:approvals")),
    ("Remedies", lambda w: reverse("complaints:remedies")),
    ("New complaint", lambda w: reverse("complaints:detail", args=[w.complaint_new.pk])),
    (
        "Complaint awaiting approval",
        lambda w: reverse("complaints:detail", args=[w.complaint_awaiting.pk]),
    ),
    ("Closed complaint", lambda w: reverse("complaints:detail", args=[w.complaint_closed.pk])),
    ("Onboardings", lambda w: reverse("onboarding:list")),
    ("Start an onboarding", lambda w: reverse("onboarding:start", args=[w.prospect.pk])),
    ("Onboarding", lambda w: reverse("onboarding:detail", args=[w.onboarding.pk])),
    ("An email received", lambda w: reverse("customers:mail", args=[w.inbound_message.pk])),
]
VISITOR_PAGES: list[tuple[str, Callable[[World], str]]] = [
    ("Sign in", lambda w: reverse("login")),
    ("Forgot your password?", lambda w: reverse("password_reset")),
    (
        "Check-in survey",
        lambda w: reverse(
            "survey:answer",
            args=[survey_token(w.complaint_resolved.pk, w.complaint_resolved.resolved_at)],
        ),
    ),
]

AXE = Axe()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
        if violation["impact"] in FAILING_IMPACTS
    ]


def scan(page: Page, base_url: str, world: World, pages) -> dict[str, list[str]]:
    assert page.viewport_size == PHONE
    found = {}
    for name, url in pages:
        response = page.goto(base_url + url(world))
        assert response.status == 200, f"{name}: {response.status} at {response.url}"
        if violations := serious_violations(page):
            found[name] = violations
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_main_page_has_a_serious_accessibility_violation_on_a_phone(page, live_server, role):
    world = build_world()
    sign_in(page, live_server.url, world.actor(role))
    assert scan(page, live_server.url, world, PAGES) == {}


def test_no_visitor_page_has_a_serious_accessibility_violation_on_a_phone(page, live_server):
    assert scan(page, live_server.url, build_world(), VISITOR_PAGES) == {}


def test_the_scan_reports_a_serious_violation(page):
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head>'
        '<body><main><img src="data:,"></main></body></html>'
    )
    found = serious_violations(page)
    assert len(found) == 1
    assert found[0].startswith("image-alt (critical)")
