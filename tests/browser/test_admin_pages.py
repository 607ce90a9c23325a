"""The owners' customer admin in Chromium under Tend's Content Security Policy.

Measured with the stock middleware: the customer list, change and add forms, the other lists
and the import page report no violation; the export page (inline style and an inline onchange
handler), the history page (inline style) and the import preview (inline-styled diffs) do. Those
pages get the policy as report-only (crm/middleware.py); these tests check that nothing is
blocked any more and that the pages do their work.
"""

import csv

import pytest
from playwright.sync_api import Page, expect

from customers.models import Customer
from tests.factories import TEST_PASSWORD, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORT_ONLY_NOTICE = "The policy is report-only"


def blocked(violations: list[str]) -> list[str]:
    """The violations of the enforced policy: what Chromium actually refused to run."""
    return [message for message in violations if REPORT_ONLY_NOTICE not in message]


def sign_in_to_admin(page: Page, live_server, owner) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#site-name")).to_have_text("Tend")


def test_the_customer_list_and_form_run_under_the_enforced_policy(
    page: Page, live_server, owner, screenshots, csp_violations
):
    customer = CustomerFactory(name="Ana's Bakery", phone="+1 202 555 0101")
    sign_in_to_admin(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/customers/customer/?q=(202)+555-0101")
    expect(page.get_by_role("link", name="Ana's Bakery")).to_be_visible()
    page.screenshot(path=screenshots / "admin-customers.png", full_page=True)
    page.get_by_role("link", name="Ana's Bakery").click()
    page.get_by_label("Name:").fill("Ana's Bakery & Café")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    customer.refresh_from_db()
    assert (customer.name, customer.version) == ("Ana's Bakery & Café", 2)
    assert csp_violations == []


def test_an_owner_imports_customers_from_a_csv_file(
    page: Page, live_server, owner, screenshots, csp_violations, tmp_path
):
    UserFactory(username="sam")
    upload = tmp_path / "customers.csv"
    upload.write_text(
        "name,status,account_owner,phone,email\n"
        "Ana's Bakery,active,sam,(202) 555-0101,ana@example.com\n"
        "Old Mill,prospect,,202.555.0102,mill@example.com\n"
    )
    sign_in_to_admin(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/customers/customer/import/")
    page.get_by_label("File to import").set_input_files(upload)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    page.screenshot(path=screenshots / "admin-import-preview.png", full_page=True)
    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert sorted(Customer.objects.values_list("phone_normalised", flat=True)) == [
        "+12025550101",
        "+12025550102",
    ]
    assert blocked(csp_violations) == []


def test_an_import_with_a_bad_line_shows_it_and_offers_no_confirmation(
    page: Page, live_server, owner, screenshots, csp_violations, tmp_path
):
    upload = tmp_path / "customers.csv"
    upload.write_text(
        "name,status,phone\nAna's Bakery,active,(202) 555-0101\nOld Mill,dormant,12\n"
    )
    sign_in_to_admin(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/customers/customer/import/")
    page.get_by_label("File to import").set_input_files(upload)
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_text("“dormant” is not one of")).to_be_attached()
    expect(page.get_by_text("“12” is not a phone number.")).to_be_attached()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    page.screenshot(path=screenshots / "admin-import-errors.png", full_page=True)
    assert not Customer.objects.exists()
    assert blocked(csp_violations) == []


def test_an_owner_exports_chosen_columns_of_the_customer_list(
    page: Page, live_server, owner, screenshots, csp_violations, tmp_path
):
    CustomerFactory(name="Ana's Bakery")
    CustomerFactory(name="Old Mill")
    sign_in_to_admin(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/customers/customer/export/")
    # "Select all" works through an inline onchange handler, which the strict policy blocks.
    page.locator("input.select-toggle").uncheck()
    expect(page.get_by_label("Address")).not_to_be_checked()
    page.get_by_label("Name", exact=True).check()
    page.get_by_label("Status", exact=True).check()
    page.screenshot(path=screenshots / "admin-export.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()

    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert rows == [
        {"name": "Ana's Bakery", "status": "active"},
        {"name": "Old Mill", "status": "active"},
    ]
    assert blocked(csp_violations) == []


def test_an_owner_reads_a_customers_history(
    page: Page, live_server, owner, screenshots, csp_violations
):
    customer = CustomerFactory(name="Ana's Bakery")
    customer.name = "Ana's Bakery & Café"
    customer.save()
    sign_in_to_admin(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/customers/customer/{customer.pk}/history/")

    expect(page.locator("#change-history")).to_contain_text("Ana's Bakery & Café")
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    page.screenshot(path=screenshots / "admin-customer-history.png", full_page=True)
    assert blocked(csp_violations) == []


def test_a_large_import_page_follows_the_job_by_itself_under_the_enforced_policy(
    page: Page, live_server, owner, screenshots, csp_violations, tmp_path, settings, monkeypatch
):
    from crm import imports
    from crm.models import ImportJob
    from crm.tasks import run_import_job

    # given a threshold of two rows, and no worker yet to take the job
    settings.IMPORT_BACKGROUND_ROWS = 2
    monkeypatch.setattr(run_import_job, "delay", lambda job_id: None)
    upload = tmp_path / "customers.csv"
    upload.write_text(
        "name,status,phone\n"
        "Ana's Bakery,active,(202) 555-0101\n"
        "Old Mill,prospect,202.555.0102\n"
        "-Dash & Co,prospect,+1 202 555 0103\n"
    )
    sign_in_to_admin(page, live_server, owner)
    page.goto(f"{live_server.url}/admin/customers/customer/import/")
    page.get_by_label("File to import").set_input_files(upload)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#import-status")).to_have_text("Waiting for a worker")
    page.screenshot(path=screenshots / "admin-import-job-queued.png", full_page=True)

    # when a worker runs it
    imports.run_import_job(job_id=ImportJob.objects.get().pk)

    # then the page, reloading itself, shows the result
    expect(page.locator("#import-status")).to_have_text("Imported", timeout=10_000)
    expect(page.locator("#content-main")).to_contain_text("Imported: 3 added, 0 updated.")
    page.screenshot(path=screenshots / "admin-import-job-done.png", full_page=True)
    assert Customer.objects.filter(name="-Dash & Co").exists()
    assert csp_violations == []
