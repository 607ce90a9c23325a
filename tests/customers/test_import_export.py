"""CSV import and export of customers and contacts: whole files or nothing, bad rows named."""

import csv
import io
from datetime import date, time

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

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
