"""Posts to the inbound webhook as Mailgun makes them: a route's forward(), signed.

Mailgun's "fully parsed" forward is a multipart form: recipient, sender, from, subject,
body-plain, stripped-text, message-headers (a JSON list of [name, value]), attachment-count and
the files attachment-1…n, with timestamp, token and signature, the hex HMAC-SHA256 of timestamp
followed by token under the webhook signing key. A URL ending in "mime" gets body-mime (the
whole message) instead of the parsed fields.
"""

import hashlib
import hmac
import json
import secrets
import time

SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
REPLY_ADDRESS = "replies@tend.example"
URL = "/anymail/mailgun/inbound/"
MIME_URL = "/anymail/mailgun/inbound_mime/"


def signature_fields(key: str = SIGNING_KEY) -> dict:
    """Return the timestamp, token and signature Mailgun adds to each post."""
    timestamp = str(int(time.time()))
    token = secrets.token_hex(25)
    signature = hmac.new(
        key.encode("ascii"), f"{timestamp}{token}".encode("ascii"), hashlib.sha256
    ).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def parsed_form(
    *,
    to: str,
    sender: str = "Jane Doe <jane@example.net>",
    subject: str = "Re: Your complaint",
    text: str = "It broke again this morning.",
    stripped: str | None = None,
    message_id: str = "<CAF=reply-1@mail.example.net>",
    cc: str = "",
    files: tuple = (),
    key: str = SIGNING_KEY,
) -> dict:
    """Return the form of a parsed forward; files are Django SimpleUploadedFiles."""
    address = sender.rpartition("<")[2].rstrip(">")
    headers = [
        ["Received", "by luna.mailgun.net with SMTP mgrt 8734663311733; Mon, 7 Dec 2026"],
        ["Message-Id", message_id],
        ["Date", "Mon, 07 Dec 2026 00:30:00 +0000"],
        ["From", sender],
        ["To", to],
        ["Subject", subject],
        ["Mime-Version", "1.0"],
    ]
    if cc:
        headers.append(["Cc", cc])
    form = {
        "recipient": to,
        "sender": address,
        "from": sender,
        "subject": subject,
        "body-plain": text,
        "message-headers": json.dumps(headers),
        "attachment-count": str(len(files)),
        **{f"attachment-{number}": file for number, file in enumerate(files, 1)},
        **signature_fields(key),
    }
    if stripped is not None:
        form["stripped-text"] = stripped
    return form
