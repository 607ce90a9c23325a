"""Email to the general address, attachments, and the webhook's own checks."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet

from complaints.customer_links import reply_address
from complaints.models import ComplaintUpdate
from crm.models import Notice
from customers.attachments import sniff
from customers.inbound import trim_quoted
from customers.models import (
    Customer,
    FollowUp,
    InboundAttachment,
    InboundMailSettings,
    InboundMessage,
    Interaction,
)
from tests import mailgun
from tests.factories import ComplaintFactory, ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def _inbound(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": mailgun.SIGNING_KEY}
    settings.REPLY_ADDRESS = mailgun.REPLY_ADDRESS


def to_general(client, **fields):
    return client.post(mailgun.URL, mailgun.parsed_form(to=mailgun.REPLY_ADDRESS, **fields))


def test_mail_from_a_known_customer_is_logged_with_a_follow_up_for_the_account_owner(
    client, staff
):
    customer = CustomerFactory(account_owner=staff, email="Orders@Harbour-Bakery.example")

    response = to_general(
        client,
        sender="Harbour Bakery <orders@harbour-bakery.example>",
        subject="Can we move Friday's delivery?",
        stripped="Could it come Thursday instead?",
    )

    assert response.status_code == 200
    interaction = Interaction.objects.get(customer=customer)
    assert interaction.channel == "email" and interaction.direction == "inbound"
    assert interaction.summary == "Email: Can we move Friday's delivery?"
    follow_up = FollowUp.objects.get(customer=customer)
    assert follow_up.owner == staff and follow_up.is_open
    assert follow_up.source == InboundMessage.objects.get()
    notice = Notice.objects.get(recipient=staff)
    assert "Could it come Thursday instead?" in notice.body
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.CUSTOMER


def test_mail_from_a_contact_is_logged_for_their_customer_with_the_contact(client, staff):
    contact = ContactFactory(customer__account_owner=staff, email="pat@harbour.example")

    to_general(client, sender="Pat <pat@harbour.example>")

    interaction = Interaction.objects.get()
    assert interaction.customer == contact.customer and interaction.contact == contact
    assert FollowUp.objects.get().owner == staff


def test_a_customer_without_an_active_account_owner_goes_to_the_triage_person(client):
    triage = UserFactory()
    InboundMailSettings.objects.update_or_create(pk=1, defaults={"triage_person": triage})
    CustomerFactory(account_owner=None, email="lonely@example.net")

    to_general(client, sender="lonely@example.net")

    assert FollowUp.objects.get().owner == triage


def test_mail_from_an_unknown_sender_goes_to_the_triage_person_set_in_the_admin(client, owner):
    triage = UserFactory()
    InboundMailSettings.objects.update_or_create(pk=1, defaults={"triage_person": triage})

    to_general(client, sender="Robin Stranger <robin@nowhere.example>", subject="Prices?")

    prospect = Customer.objects.get(email="robin@nowhere.example")
    assert prospect.name == "Robin Stranger" and prospect.status == Customer.Status.PROSPECT
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == triage and follow_up.customer == prospect
    assert "Prices?" in follow_up.subject
    assert Interaction.objects.get().customer == prospect
    message = InboundMessage.objects.get()
    assert Notice.objects.get(recipient=triage).path == message.get_absolute_url()


def test_without_a_triage_person_the_first_active_owner_triages(client, owner):
    to_general(client, sender="robin@nowhere.example")

    assert FollowUp.objects.get().owner == owner


def test_spam_from_an_unknown_sender_is_only_kept(client, owner):
    form = mailgun.parsed_form(to=mailgun.REPLY_ADDRESS, sender="win@prizes.example")
    headers = form["message-headers"][:-1] + ', ["X-Mailgun-Sflag", "Yes"]]'
    client.post(mailgun.URL, {**form, "message-headers": headers})

    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.SPAM
    assert not Customer.objects.exists() and not FollowUp.objects.exists()


def test_attachments_of_kept_kinds_are_kept_and_others_refused_with_a_note(
    client, staff, settings
):
    settings.INBOUND_ATTACHMENT_MAX_BYTES = 1000
    complaint = ComplaintFactory(owner=staff, logged_by=staff, status="investigating")
    files = (
        SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf"),
        SimpleUploadedFile("scan.pdf", PDF + b" " * 1000, content_type="application/pdf"),
    )

    client.post(mailgun.URL, mailgun.parsed_form(to=reply_address(complaint.pk), files=files))

    kept = {item.filename: item for item in InboundAttachment.objects.all()}
    assert bytes(kept["receipt.pdf"].content) == PDF
    assert kept["receipt.pdf"].content_type == "application/pdf"
    assert kept["photo.png"].content_type == "image/png" and kept["photo.png"].is_kept
    assert kept["invoice.pdf"].content is None
    assert "not a kind of file" in kept["invoice.pdf"].refused_because
    assert kept["scan.pdf"].content is None and "larger than" in kept["scan.pdf"].refused_because
    update = complaint.updates.get(kind=ComplaintUpdate.Kind.FROM_CUSTOMER)
    assert "Attachments kept: receipt.pdf, photo.png" in update.text
    assert "Attachment refused: invoice.pdf (not a kind of file" in update.text
    assert "Attachment refused: scan.pdf (larger than" in update.text


def test_staff_read_the_email_and_download_a_kept_attachment(client, staff, staff_client):
    CustomerFactory(account_owner=staff, email="jane@example.net")
    to_general(client, files=(SimpleUploadedFile("receipt.pdf", PDF),))
    message = InboundMessage.objects.get()
    attachment = InboundAttachment.objects.get()

    page = staff_client.get(message.get_absolute_url())
    download = staff_client.get(f"/customers/mail/attachments/{attachment.pk}/")

    assert page.status_code == 200 and "It broke again this morning." in page.content.decode()
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


def test_raw_mime_posts_are_received_too(client, staff):
    CustomerFactory(account_owner=staff, email="jane@example.net")
    mime = (
        "From: Jane Doe <jane@example.net>\r\nTo: replies@tend.example\r\n"
        "Subject: Raw hello\r\nMessage-ID: <raw-1@example.net>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHello in MIME.\r\n"
    )

    response = client.post(
        mailgun.MIME_URL,
        {
            "recipient": "replies@tend.example",
            "sender": "jane@example.net",
            "body-mime": mime,
            **mailgun.signature_fields(),
        },
    )

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.subject == "Raw hello" and message.text == "Hello in MIME."


def test_the_webhook_is_off_without_a_signing_key(client, settings, owner):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": ""}

    response = to_general(client)

    assert response.status_code == 404
    assert not InboundMessage.objects.exists()


def test_with_a_webhook_secret_basic_auth_is_required_too(client, settings, owner):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": mailgun.SIGNING_KEY,
        "WEBHOOK_SECRET": "mailgun:s3cret-route",
    }
    form = mailgun.parsed_form(to=mailgun.REPLY_ADDRESS)

    refused = client.post(mailgun.URL, form)
    accepted = client.post(
        mailgun.URL,
        form,
        HTTP_AUTHORIZATION="Basic bWFpbGd1bjpzM2NyZXQtcm91dGU=",  # mailgun:s3cret-route
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert InboundMessage.objects.count() == 1


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"\xff\xd8\xff\xe0rest", "photo.jpg", "image/jpeg"),
        (b"Hello, plain words.", "note.txt", "text/plain"),
        (b"a,b\n1,2\n", "list.csv", "text/csv"),
        (b"Hello\x00binary", "note.txt", None),
        (b"#!/bin/sh\nrm -rf /", "run.sh", None),
        (
            _zip(["[Content_Types].xml", "word/document.xml"]),
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (_zip(["payload.exe"]), "letter.docx", None),
        (b"PK\x03\x04 broken zip", "letter.docx", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "application/vnd.ms-excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.msi", None),
    ],
)
def test_the_kind_of_a_file_is_read_from_its_bytes(content, filename, expected):
    assert sniff(content, filename) == expected


def test_quoted_history_is_cut_at_its_first_line():
    text = "Yes please.\n\nOn Mon, 7 Dec 2026, Tend <replies@tend.example> wrote:\n> Shall we?"

    assert trim_quoted(text) == "Yes please."
    assert trim_quoted("> only a quote") == "> only a quote"


def test_owners_set_the_triage_person_on_the_one_settings_page(client, owner):
    client.force_login(owner)
    person = UserFactory()

    listing = client.get("/admin/customers/inboundmailsettings/")
    change_url = "/admin/customers/inboundmailsettings/1/change/"
    page = client.get(change_url)
    saved = client.post(change_url, {"triage_person": person.pk})

    assert listing.status_code == 200 and change_url in listing.content.decode()
    assert "Add inbound mail settings" not in listing.content.decode()
    assert "first active person in the Owners group" in page.content.decode()
    assert saved.status_code == 302
    assert InboundMailSettings.load().triage_person == person
    assert InboundMailSettings.objects.count() == 1


def test_the_same_email_received_twice_at_once_is_kept_once(owner, monkeypatch):
    from django.utils import timezone

    from customers.inbound import InboundMail, receive_mail

    mail = InboundMail(
        message_id="<race@example.net>",
        sender_email="robin@nowhere.example",
        sender_name="",
        recipients=("replies@tend.example",),
        subject="Hello",
        text="Hi",
        received_at=timezone.now(),
    )
    # The other delivery's row lands between the check and the insert.
    InboundMessage.objects.create(message_id=mail.message_id)
    monkeypatch.setattr(QuerySet, "exists", lambda queryset: False)

    assert receive_mail(mail=mail) is None
    assert InboundMessage.objects.count() == 1 and not FollowUp.objects.exists()


def test_the_email_page_runs_a_constant_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    customer = CustomerFactory(account_owner=staff)
    message = InboundMessage.objects.create(
        message_id="<many@example.net>", customer=customer, subject="Photos"
    )
    InboundAttachment.objects.bulk_create(
        InboundAttachment(message=message, filename=f"p{n}.png", size=3, content=b"png")
        for n in range(30)
    )

    with django_assert_max_num_queries(8):
        response = staff_client.get(message.get_absolute_url())

    assert response.content.decode().count("/customers/mail/attachments/") == 30
