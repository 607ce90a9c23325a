"""The customer's check-in survey on a 360 px phone: answer once, without signing in."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from complaints.customer_links import survey_token
from complaints.models import Complaint
from crm.models import Notice
from customers.messaging.models import MessagingSettings
from tests.browser.test_call_flow import fits_the_phone
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_customer_answers_not_satisfied_and_the_link_works_once(
    page: Page, live_server, staff, screenshots, csp_violations
):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"sender_name": "Harbour Bakery"})
    complaint = services.resolve(
        actor=staff,
        complaint=ComplaintFactory(
            owner=staff,
            logged_by=staff,
            status=Complaint.Status.INVESTIGATING,
            acknowledged_at=timezone.now(),
        ),
        no_remedy=True,
    )
    link = f"{live_server.url}/survey/{survey_token(complaint.pk, complaint.resolved_at)}/"

    # the survey: the reference and the business, two questions, a comment, on one screen
    page.goto(link)
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.get_by_text(complaint.reference)).to_be_visible()
    expect(page.get_by_text("Harbour Bakery")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "survey-0-form.png", full_page=True)

    # sent without a rating, it says what is missing and keeps what was typed
    page.get_by_role("group", name="Are you satisfied").get_by_label("No").check()
    page.get_by_label("Anything you would like to tell us?").fill("The door still sticks.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Choose a rating from 1 to 5.")).to_be_visible()
    expect(page.get_by_label("Anything you would like to tell us?")).to_have_value(
        "The door still sticks."
    )
    page.screenshot(path=screenshots / "survey-1-missing-rating.png", full_page=True)

    # not satisfied: the complaint reopens and its owner hears at once
    page.get_by_role("group", name="How did we handle it?").get_by_label("2").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you for your answer")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "survey-2-thanks.png", full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.INVESTIGATING
    assert complaint.handling_rating == 2 and complaint.outcome_satisfied is False
    notice = Notice.objects.get(recipient=staff)
    assert "reopened" in notice.subject and "The door still sticks." in notice.body

    # the same link again: already answered
    page.goto(link)
    expect(page.get_by_role("heading", name="This question was already answered")).to_be_visible()
    page.screenshot(path=screenshots / "survey-3-answered.png", full_page=True)

    # a tampered link: not valid
    page.goto(link.replace("/survey/", "/survey/x"))
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=screenshots / "survey-4-not-valid.png", full_page=True)
    assert Notice.objects.count() == 1
    assert csp_violations == []
