"""CSV import and export of customers and contacts: whole files or nothing, bad rows named."""

import csv
import io
from datetime import date, time

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.csp import CSP

from crm.models import ImportJob
from customers import services
from customers.models import Contact, Customer
from customers.resources import ContactResource, CustomerResource
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMER_HEADER = (
    "name,kind,status,account_owner,phone,email,address,preferred_channel,contact_days,"
    "contact_from,contact_until,do_not_contact,interests,goals,keep_in_touch_days,"
    "became_customer_on,lost_on,lost_reason"
)
GOOD_ROWS = [
    "Ana's Bakery,business,active,sam,(202) 555-0101,ana@example.com,1 Main St,phone,"
    "Mon Wed,09:00,12:00,no,bread,Grow the shop,30,2024-03-01,,",
    "Émile Zola,individual,prospect,,+1 202 555 0102,emile@example.com,,email,,,,yes,,,,,,",
    "Old Mill,business,Former,sam,,mill@example.com,,phone,,,,no,,,90,2020-01-01,2024-01-31,price",
]


def csv_file(*rows: str, header: str = CUSTOMER_HEADER) -> tablib.Dataset:
    return tablib.Dataset().load("\n".join([header, *rows]) + "\n", format="csv")


def import_customers(dataset, *, actor, dry_run=False):
    return CustomerResource().import_data(dataset, dry_run=dry_run, user=actor)


@pytest.fixture
def sam(db):
    return UserFactory(username="sam")


def test_a_clean_file_imports_every_customer_with_the_derived_fields_filled(owner, sam):
    result = import_customers(csv_file(*GOOD_ROWS), actor=owner)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    bakery = Customer.objects.get(name="Ana's Bakery")
    assert bakery.phone_normalised == "+12025550101"
    assert bakery.search_name == "ana's bakery"
    assert bakery.account_owner == sam
    assert bakery.contact_days == "02"
    assert (bakery.contact_from, bakery.contact_until) == (time(9), time(12))
    assert bakery.became_customer_on == date(2024, 3, 1)
    assert bakery.keep_in_touch_days == 30
    emile = Customer.objects.get(email="emile@example.com")
    assert emile.search_name == "emile zola"
    assert emile.do_not_contact is True
    assert emile.account_owner is None
    mill = Customer.objects.get(name="Old Mill")
    assert mill.status == Customer.Status.FORMER
    assert (mill.lost_on, mill.lost_reason) == (date(2024, 1, 31), "price")


def test_a_dry_run_saves_nothing(owner, sam):
    result = import_customers(csv_file(*GOOD_ROWS), actor=owner, dry_run=True)

    assert result.totals["new"] == 3
    assert not Customer.objects.exists()


def test_one_bad_row_in_three_imports_nothing_and_names_its_line(owner, sam):
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1].replace("emile@example.com", "emile-at-example"),
        GOOD_ROWS[2],
    ]

    result = import_customers(csv_file(*rows), actor=owner)

    assert Customer.objects.count() == 0
    [bad] = result.invalid_rows
    # Line 1 is the header: the second customer is on line 3, as a spreadsheet numbers it.
    assert bad.number == 3
    assert list(bad.field_specific_errors) == ["email"]
    assert "valid email" in bad.field_specific_errors["email"][0]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (("active", "dormant"), "status", "“dormant” is not one of: prospect"),
        ((",sam,", ",nobody,"), "account_owner", "Nobody active has the username “nobody”"),
        (("(202) 555-0101", "call me"), "phone", "“call me” is not a phone number"),
        (("09:00,12:00", "12:00,09:00"), "contact_until", "must end after it starts"),
        (("Mon Wed", "Mon Funday"), "contact_days", "“Funday” is not a day of the week"),
        (("2024-03-01", "01/03/2024"), "became_customer_on", "write it as YYYY-MM-DD"),
        ((",no,bread", ",maybe,bread"), "do_not_contact", "“maybe” is not yes or no"),
        ((",30,", ",thirty,"), "keep_in_touch_days", "“thirty” is not a whole number"),
        (("Ana's Bakery", ""), "name", "cannot be blank"),
    ],
)
def test_a_bad_customer_row_is_refused_with_its_reason(owner, sam, change, field, reason):
    rows = [GOOD_ROWS[1], GOOD_ROWS[0].replace(*change)]

    result = import_customers(csv_file(*rows), actor=owner)

    assert Customer.objects.count() == 0
    [bad] = result.invalid_rows
    assert bad.number == 3
    assert reason in " ".join(bad.field_specific_errors[field])


def test_a_disabled_person_cannot_be_made_account_owner(owner):
    UserFactory(username="sam", is_active=False)

    result = import_customers(csv_file(GOOD_ROWS[0]), actor=owner)

    assert result.invalid_rows[0].field_specific_errors["account_owner"]
    assert not Customer.objects.exists()


def test_a_file_without_an_id_column_creates_and_one_with_an_id_updates(owner, sam):
    # given a customer whose web form someone opened at version 1
    customer = CustomerFactory(name="Ana's Bakery", phone="")
    header = f"id,{CUSTOMER_HEADER}"
    rows = [f"{customer.pk},{GOOD_ROWS[0]}", f",{GOOD_ROWS[1]}"]

    # when the file updates it and adds another
    result = import_customers(csv_file(*rows, header=header), actor=owner)

    # then the update moved the version on, so the web form's save is refused
    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    customer.refresh_from_db()
    assert customer.phone_normalised == "+12025550101"
    assert customer.version == 2
    customer.name = "Stale edit"
    with pytest.raises(services.StaleEditError):
        services.update_customer(actor=owner, customer=customer, expected_version=1)


def test_an_id_that_names_no_customer_is_refused(owner, sam):
    result = import_customers(
        csv_file(f"987654,{GOOD_ROWS[0]}", header=f"id,{CUSTOMER_HEADER}"), actor=owner
    )

    assert "No customer has the id 987654" in result.invalid_rows[0].field_specific_errors["id"][0]
    assert not Customer.objects.exists()


def test_someone_without_the_add_permission_cannot_import_customers(sam):
    no_role = UserFactory(username="no_role")

    result = import_customers(csv_file(GOOD_ROWS[0]), actor=no_role)

    assert result.has_errors()
    assert "may not add customers" in str(result.row_errors()[0][1][0].error)
    assert not Customer.objects.exists()


def test_an_export_holds_every_customer_and_imports_back_unchanged(owner, sam):
    import_customers(csv_file(*GOOD_ROWS), actor=owner)

    exported = CustomerResource().export()

    rows = list(csv.DictReader(io.StringIO(exported.csv)))
    assert {row["name"] for row in rows} == {"Ana's Bakery", "Émile Zola", "Old Mill"}
    bakery = next(row for row in rows if row["name"] == "Ana's Bakery")
    assert bakery["account_owner"] == "sam"
    assert bakery["contact_days"] == "Mon, Wed"
    assert (bakery["contact_from"], bakery["do_not_contact"]) == ("09:00", "no")
    # Read back in, the export changes nothing but the versions.
    again = import_customers(tablib.Dataset().load(exported.csv, format="csv"), actor=owner)
    assert again.totals["update"] == 3 and not again.has_validation_errors()
    assert Customer.objects.count() == 3


def test_the_export_runs_a_constant_number_of_queries(owner, django_assert_max_num_queries):
    CustomerFactory.create_batch(120)

    with django_assert_max_num_queries(2):
        exported = CustomerResource().export()

    assert exported.height == 120


# --- Contacts ------------------------------------------------------------------------------------

CONTACT_HEADER = "customer,name,role,email,phone,preferred_channel,is_primary,notes"


def import_contacts(*rows: str, header: str = CONTACT_HEADER):
    return ContactResource().import_data(csv_file(*rows, header=header))


def test_contacts_are_matched_to_their_customer_by_id_or_by_unique_name():
    bakery = CustomerFactory(name="Ana's Bakery")
    mill = CustomerFactory(name="Old Mill")

    result = import_contacts(
        f"{bakery.pk},Ana Ruiz,Owner,ana@example.com,(202) 555-0111,phone,yes,Likes mornings",
        "old mill,Tom Miller,,,,email,no,",
    )

    assert not result.has_validation_errors()
    ana = Contact.objects.get(name="Ana Ruiz")
    assert (ana.customer, ana.is_primary, ana.phone_normalised) == (bakery, True, "+12025550111")
    assert Contact.objects.get(name="Tom Miller").customer == mill


@pytest.mark.parametrize(
    ("customer_cell", "reason"),
    [
        ("Nobody Ltd", "No customer is called “Nobody Ltd”"),
        ("Twins", "More than one customer is called “Twins”; give the customer's id"),
        ("987654", "No customer has the id 987654"),
        ("", "Say which customer"),
    ],
)
def test_a_contact_for_an_unknown_or_ambiguous_customer_is_refused(customer_cell, reason):
    CustomerFactory.create_batch(2, name="Twins")
    bakery = CustomerFactory(name="Ana's Bakery")

    result = import_contacts(f"{bakery.pk},Ana Ruiz,,,,,no,", f"{customer_cell},Who Knows,,,,,no,")

    assert not Contact.objects.exists()
    [bad] = result.invalid_rows
    assert bad.number == 3
    assert reason in bad.field_specific_errors["customer"][0]


def test_a_second_primary_contact_is_refused_in_words():
    bakery = CustomerFactory(name="Ana's Bakery")
    ContactFactory(customer=bakery, is_primary=True)

    result = import_contacts(f"{bakery.pk},Ana Ruiz,,,,,yes,")

    errors = result.invalid_rows[0].field_specific_errors
    assert errors == {"is_primary": ["Ana's Bakery already has a primary contact."]}
    assert Contact.objects.count() == 1


def test_a_contact_with_an_unreadable_phone_is_refused():
    bakery = CustomerFactory(name="Ana's Bakery")

    result = import_contacts(f"{bakery.pk},Ana Ruiz,,,12,,no,")

    assert "is not a phone number" in result.invalid_rows[0].field_specific_errors["phone"][0]
    assert not Contact.objects.exists()


def test_the_contact_export_names_the_customer_for_people_and_by_id_for_import():
    contact = ContactFactory(customer=CustomerFactory(name="Ana's Bakery"), name="Ana Ruiz")

    rows = list(csv.DictReader(io.StringIO(ContactResource().export().csv)))

    assert rows[0]["customer"] == str(contact.customer_id)
    assert rows[0]["customer_name"] == "Ana's Bakery"


# --- Through the admin ---------------------------------------------------------------------------


def upload(name: str, *rows: str, header: str = CUSTOMER_HEADER) -> SimpleUploadedFile:
    content = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_an_owner_imports_a_clean_file_in_two_steps_preview_then_confirm(client, owner, sam):
    client.force_login(owner)

    preview = client.post(
        "/admin/customers/customer/import/",
        {"format": "0", "resource": "0", "import_file": upload("c.csv", *GOOD_ROWS)},
    )

    assert preview.status_code == 200
    assert not Customer.objects.exists()
    confirm = preview.context["confirm_form"]
    done = client.post("/admin/customers/customer/process_import/", confirm.initial)
    assert done.status_code == 302
    assert Customer.objects.count() == 3
    assert Customer.objects.get(name="Old Mill").history.first().history_user == owner


def test_a_confirmed_import_that_fails_after_the_preview_imports_nothing(client, owner, sam):
    # given a clean preview
    client.force_login(owner)
    preview = client.post(
        "/admin/customers/customer/import/",
        {"format": "0", "resource": "0", "import_file": upload("c.csv", *GOOD_ROWS)},
    )
    # when the account owner named in the file leaves before the owner confirms
    sam.is_active = False
    sam.save()
    done = client.post(
        "/admin/customers/customer/process_import/", preview.context["confirm_form"].initial
    )

    # then no row is saved and the owner is told why
    assert not Customer.objects.exists()
    [message] = [str(message) for message in get_messages(done.wsgi_request)]
    assert message.startswith("Nothing was imported")


def test_an_owner_sees_every_bad_line_and_no_way_to_confirm(client, owner, sam):
    client.force_login(owner)
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("prospect", "dormant"), GOOD_ROWS[2]]

    response = client.post(
        "/admin/customers/customer/import/",
        {"format": "0", "resource": "0", "import_file": upload("c.csv", *rows)},
    )

    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "<td>3 </td>" in html
    assert "“dormant” is not one of: prospect, onboarding, active, former." in html
    assert not Customer.objects.exists()


def test_an_owner_downloads_the_customer_list_as_csv(client, owner):
    CustomerFactory(name="Ana's Bakery")
    CustomerFactory(name="Old Mill")
    client.force_login(owner)
    fields = {f"customerresource_{name}": "on" for name in ["id", "name", "status", "phone"]}

    response = client.post(
        "/admin/customers/customer/export/", {"format": "0", "resource": "0", **fields}
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["name"] for row in rows} == {"Ana's Bakery", "Old Mill"}
    assert set(rows[0]) == {"id", "name", "status", "phone"}


def test_an_owner_imports_contacts_through_the_admin(client, owner):
    bakery = CustomerFactory(name="Ana's Bakery")
    client.force_login(owner)

    preview = client.post(
        "/admin/customers/contact/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": upload(
                "p.csv", "Ana's Bakery,Ana Ruiz,,,,,yes,", header=CONTACT_HEADER
            ),
        },
    )
    client.post(
        "/admin/customers/contact/process_import/", preview.context["confirm_form"].initial
    )

    assert Contact.objects.get().customer == bakery


def test_an_admin_export_guards_formula_cells_and_keeps_their_value(client, owner):
    CustomerFactory(name='=HYPERLINK("http://evil")', phone="+1 202 555 0142")
    client.force_login(owner)
    fields = {f"customerresource_{name}": "on" for name in ["id", "name", "phone"]}

    response = client.post(
        "/admin/customers/customer/export/", {"format": "0", "resource": "0", **fields}
    )

    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["phone"] == "'+1 202 555 0142"


def test_an_exported_file_imports_back_through_the_admin_unchanged(client, owner):
    customer = CustomerFactory(name="-Dash & Co", phone="+1 202 555 0142", goals="@home")
    client.force_login(owner)
    fields = {f"customerresource_{name}": "on" for name in ["id", "name", "phone", "goals"]}
    exported = client.post(
        "/admin/customers/customer/export/", {"format": "0", "resource": "0", **fields}
    ).content

    preview = client.post(
        "/admin/customers/customer/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.csv", exported, content_type="text/csv"),
        },
    )
    client.post(
        "/admin/customers/customer/process_import/", preview.context["confirm_form"].initial
    )

    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.goals) == (
        "-Dash & Co",
        "+1 202 555 0142",
        "@home",
    )
    assert customer.version == 2


UTF8_FILE = (CUSTOMER_HEADER + "\n" + GOOD_ROWS[1] + "\n").encode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # Django's own check of an upload of no bytes, and ours of one with only blank lines
        (b"", "file is empty."),
        (b"\r\n\r\n", "The file is empty."),
        (CUSTOMER_HEADER.encode() + b"\n", "The file has a header but no rows to import."),
        (UTF8_FILE.decode().encode("utf-16"), "saved as UTF-16"),
        (UTF8_FILE.decode().encode("latin-1"), "is not UTF-8 text (line 2"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "This is not a CSV text file"),
    ],
)
def test_an_unreadable_upload_is_refused_beside_the_field_with_its_reason(
    client, owner, content, reason
):
    client.force_login(owner)

    response = client.post(
        "/admin/customers/customer/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.csv", content, content_type="text/csv"),
        },
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    [error] = response.context["form"].errors["import_file"]
    assert reason in error
    assert not Customer.objects.exists()


def test_a_utf8_file_with_a_byte_order_mark_imports_like_any_other(client, owner):
    client.force_login(owner)

    preview = client.post(
        "/admin/customers/customer/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.csv", b"\xef\xbb\xbf" + UTF8_FILE),
        },
    )
    client.post(
        "/admin/customers/customer/process_import/", preview.context["confirm_form"].initial
    )

    assert Customer.objects.get().name == "Émile Zola"


# --- Large files: a background job --------------------------------------------------------------


def many_rows(count: int) -> list[str]:
    return [GOOD_ROWS[1].replace("Émile Zola", f"Émile {n}") for n in range(count)]


def post_import(client, rows, *, url="/admin/customers/customer/import/"):
    return client.post(
        url, {"format": "0", "resource": "0", "import_file": upload("big.csv", *rows)}
    )


def test_a_large_upload_returns_at_once_with_a_queued_job_and_imports_nothing_yet(
    client, owner, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client.force_login(owner)

    with django_capture_on_commit_callbacks() as enqueued:
        response = post_import(client, many_rows(6))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/customers/customer/import/jobs/{job.pk}/"
    assert (job.status, job.total_rows, job.created_by) == ("queued", 6, owner)
    assert job.file_name == "big.csv"
    assert len(enqueued) == 1
    assert not Customer.objects.exists()


def test_a_file_at_the_threshold_keeps_the_preview(client, owner, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client.force_login(owner)

    response = post_import(client, many_rows(5))

    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not ImportJob.objects.exists()


def test_a_large_import_runs_through_celery_and_its_page_shows_the_result(
    client, owner, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, many_rows(6))
    page = client.get(response["Location"])

    assert Customer.objects.count() == 6
    html = page.content.decode()
    assert "Imported: 6 added, 0 updated." in html
    assert 'http-equiv="refresh"' not in html


def test_a_large_file_with_a_bad_row_shows_its_line_and_imports_nothing(
    client, owner, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    rows = many_rows(6)
    rows[4] = rows[4].replace("prospect", "dormant")
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, rows)
    html = client.get(response["Location"]).content.decode()

    assert not Customer.objects.exists()
    assert "Nothing was imported: 1 line of the file has errors." in html
    assert "<td>6</td><td>status</td><td>“dormant” is not one of" in html


def test_a_running_job_page_refreshes_itself_without_script_in_bounded_queries(
    client, owner, django_assert_max_num_queries
):
    job = ImportJob.objects.create(
        resource="customers.resources.CustomerResource",
        file_name="big.csv",
        content=b"x" * 1_000_000,
        created_by=owner,
        status=ImportJob.Status.CHECKING,
        total_rows=50_000,
        rows_checked=12_500,
    )
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        response = client.get(f"/admin/customers/customer/import/jobs/{job.pk}/")

    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "12500 of 50000 rows checked" in html
    assert '<progress id="import-progress" max="50000" value="12500">' in html
    # The strict policy holds on this page: no inline script is needed.
    assert CSP.HEADER_ENFORCE in response.headers


def test_a_job_page_with_many_bad_rows_answers_in_the_same_queries(
    client, owner, django_assert_max_num_queries
):
    errors = [
        {"line": n, "errors": {"email": ["Enter a valid email address."]}} for n in range(200)
    ]
    job = ImportJob.objects.create(
        resource="customers.resources.CustomerResource",
        created_by=owner,
        status=ImportJob.Status.FAILED,
        total_rows=50_000,
        errors=errors,
        error_count=4000,
    )
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        response = client.get(f"/admin/customers/customer/import/jobs/{job.pk}/")

    assert "The first 200 are listed." in response.content.decode()


def test_only_people_who_may_import_see_a_job(client, owner, staff):
    job = ImportJob.objects.create(
        resource="customers.resources.CustomerResource", created_by=owner, total_rows=9
    )
    admin_without_add = UserFactory(username="viewer", is_staff=True)
    url = f"/admin/customers/customer/import/jobs/{job.pk}/"

    client.force_login(staff)
    assert client.get(url).status_code == 302  # to the admin's login: staff have no admin
    client.force_login(admin_without_add)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 200
    # A customer import is not shown under the contacts' admin.
    assert client.get(f"/admin/customers/contact/import/jobs/{job.pk}/").status_code == 404


def test_owners_find_past_imports_in_the_admin_with_a_link_to_each_page(
    client, owner, django_assert_max_num_queries
):
    jobs = [
        ImportJob.objects.create(
            resource="customers.resources.CustomerResource",
            file_name=f"file{n}.csv",
            created_by=owner,
            total_rows=9,
        )
        for n in range(20)
    ]
    client.force_login(owner)

    with django_assert_max_num_queries(10):
        response = client.get("/admin/crm/importjob/")

    assert (
        f'href="/admin/customers/customer/import/jobs/{jobs[0].pk}/"' in response.content.decode()
    )
