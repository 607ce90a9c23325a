"""CSV files as people open them in spreadsheets: safe to open when exported, read with care.

Export: a text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, perhaps after blanks) gets a single quote in front, as
OWASP recommends for CSV injection. The quote makes the spreadsheet show the cell as text and
changes nothing else, so a phone number ``+1 202 555 0142`` stays readable.

Import: exactly that quote is taken off again, so a value survives export and import unchanged.
A cell that already starts with quotes before such a character gets one more on export, so the
two steps undo each other for every value (see tests/crm/test_spreadsheet.py).

Reading refuses, in words a person can act on, what is not a UTF-8 CSV file with a header and at
least one row: an empty file, a binary file, a UTF-16 or Latin-1 file. A UTF-8 byte-order mark
(Excel's "CSV UTF-8") is read as it should be.
"""

import codecs
import csv
import io
import re

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

# Quotes already there, then blanks, then a character that starts a formula.
FORMULA_START = re.compile(r"'*\s*[=+\-@\t\r]")
GUARD = "'"


class UnreadableFile(ValueError):
    """The upload is not a CSV file Tend can read; the message says why and what to do."""


def guard_formula(value):
    """Return the cell with a quote in front when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return GUARD + value
    return value


def unguard_formula(value):
    """Take off the quote that guard_formula() put in front, and nothing else."""
    if isinstance(value, str) and value.startswith(GUARD) and FORMULA_START.match(value, 1):
        return value[1:]
    return value


def decode_csv(data: bytes) -> str:
    """Return the text of an uploaded CSV file, or raise UnreadableFile saying what is wrong."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            _(
                "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” "
                "and upload it again."
            )
        )
    if b"\x00" in data:
        raise UnreadableFile(
            _("This is not a CSV text file. Save the sheet as “CSV UTF-8” and upload that.")
        )
    try:
        # utf-8-sig reads Excel's byte-order mark and plain UTF-8 alike.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(
            _(
                "The file is not UTF-8 text (line %(line)s has a character it cannot read; "
                "Latin-1 or Windows encodings do this). Save it as “CSV UTF-8” and upload "
                "it again."
            )
            % {"line": line}
        ) from None


def read_csv(data: bytes | str) -> tablib.Dataset:
    """Return the rows of an uploaded CSV file under its header, formula guards taken off.

    Raise UnreadableFile for a file that cannot be read or holds no rows, so nobody is told
    "0 rows imported" for a file Tend misread.
    """
    text = decode_csv(data) if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        dataset = tablib.Dataset(headers=[cell.strip() for cell in header])
        width = len(header)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > width:
                raise UnreadableFile(
                    _("Line %(line)s has %(cells)s cells but the header names %(width)s.")
                    % {"line": reader.line_num, "cells": len(row), "width": width}
                )
            row += [""] * (width - len(row))
            dataset.append([unguard_formula(cell) for cell in row])
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)s cannot be read as CSV: %(reason)s.")
            % {"line": reader.line_num, "reason": error}
        ) from None
    if not any(header):
        raise UnreadableFile(_("The file has no header line naming its columns."))
    if not dataset.height:
        raise UnreadableFile(_("The file has a header but no rows to import."))
    return dataset


class SafeCSV(CSV):
    """django-import-export's CSV format, reading and writing as described above.

    It reads bytes (import-export treats it as a binary format) so that decoding, and its
    messages, happen here rather than in the admin's temporary storage.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)

    def export_data(self, dataset, **kwargs):
        guarded = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            guarded.append([guard_formula(cell) for cell in row])
        return guarded.export(self.get_title(), **kwargs)
