"""CSV files as spreadsheets open them: formula cells guarded on export, files read with care."""

import codecs
import csv
import io

import pytest
import tablib
from django.contrib import admin
from hypothesis import given
from hypothesis import strategies as st
from import_export.admin import ExportMixin, ImportMixin

from crm.spreadsheet import SafeCSV, UnreadableFile, guard_formula, read_csv, unguard_formula
from customers.models import Customer
from customers.resources import CustomerResource
from tests.factories import CustomerFactory

# OWASP's CSV-injection starts: each opens a formula (or a DDE call) in some spreadsheet.
OWASP_PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "==1+1",
    "\n=1+1",
]


def exported_rows(dataset: tablib.Dataset) -> list[list[str]]:
    return list(csv.reader(io.StringIO(SafeCSV().export_data(dataset), newline="")))


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_every_owasp_formula_start_is_exported_behind_a_quote_and_read_back_unchanged(payload):
    dataset = tablib.Dataset(["1", payload], headers=["id", "name"])

    [_header, row] = exported_rows(dataset)

    assert row == ["1", f"'{payload}"]
    assert read_csv(SafeCSV().export_data(dataset).encode())["name"] == [payload]


@pytest.mark.parametrize("harmless", ["Ana's Bakery", "'quoted'", "a=b", "1-2", "", "x@y.z"])
def test_cells_that_start_no_formula_are_exported_as_they_are(harmless):
    [_header, row] = exported_rows(tablib.Dataset(["1", harmless], headers=["id", "name"]))

    assert row == ["1", harmless]


def test_a_quote_typed_before_a_formula_survives_the_round_trip():
    # Someone already guarded it by hand: export adds one more quote, import takes one off.
    assert guard_formula("'=1+1") == "''=1+1"
    assert unguard_formula("''=1+1") == "'=1+1"
    assert unguard_formula("'plain") == "'plain"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")))
def test_any_text_survives_guard_then_unguard(value):
    assert unguard_formula(guard_formula(value)) == value


@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")),
        min_size=1,
        max_size=4,
    )
)
def test_any_row_survives_a_csv_export_and_import(cells):
    dataset = tablib.Dataset(["1", *cells], headers=["id", *(f"c{n}" for n in range(len(cells)))])

    read_back = read_csv(SafeCSV().export_data(dataset).encode())

    assert list(read_back[0]) == ["1", *cells]


@pytest.mark.django_db
def test_customers_with_formula_looking_values_export_guarded_and_import_back_unchanged(owner):
    # given customers whose phone, name and email start like formulas
    CustomerFactory(name="-Dash & Co", phone="+1 202 555 0142", email="", goals="@home=1")
    exported = SafeCSV().export_data(CustomerResource().export())
    row = next(csv.DictReader(io.StringIO(exported, newline="")))
    assert (row["name"], row["phone"], row["goals"]) == (
        "'-Dash & Co",
        "'+1 202 555 0142",
        "'@home=1",
    )

    # when the export is imported back
    result = CustomerResource().import_data(read_csv(exported.encode()), user=owner)

    # then nothing changed
    assert not result.has_validation_errors() and result.totals["update"] == 1
    customer = Customer.objects.get()
    assert (customer.name, customer.phone, customer.goals) == (
        "-Dash & Co",
        "+1 202 555 0142",
        "@home=1",
    )


def test_every_admin_that_imports_or_exports_reads_and_writes_safe_csv_only():
    offering = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ImportMixin | ExportMixin)
    ]

    assert offering
    for model_admin in offering:
        assert all(issubclass(f, SafeCSV) for f in model_admin.get_export_formats()), model_admin
        assert all(issubclass(f, SafeCSV) for f in model_admin.get_import_formats()), model_admin


# --- Files Tend cannot read ---------------------------------------------------------------------

HEADER = "name,email\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"\n \r\n", "The file is empty."),
        (HEADER.encode(), "The file has a header but no rows to import."),
        (HEADER.encode() + b",\n,\n", "The file has a header but no rows to import."),
        ((HEADER + "Zoë,z@example.com\n").encode("utf-16"), "saved as UTF-16"),
        ((HEADER + "Zoë,z@example.com\n").encode("latin-1"), "line 2 has a character"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "This is not a CSV text file"),
        (HEADER.encode() + b"Ana,a@example.com,extra\n", "Line 2 has 3 cells"),
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_csv(data)


def test_a_utf8_file_with_a_byte_order_mark_reads_as_plain_utf8():
    dataset = read_csv(codecs.BOM_UTF8 + (HEADER + "Zoë,z@example.com\n").encode())

    assert dataset.headers == ["name", "email"]
    assert dataset[0] == ("Zoë", "z@example.com")


def test_short_rows_are_padded_and_blank_lines_skipped():
    dataset = read_csv((HEADER + "Ana\n\nBo,b@example.com\n").encode())

    assert list(dataset) == [("Ana", ""), ("Bo", "b@example.com")]
