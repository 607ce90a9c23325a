"""Attachments of inbound email: kept when small enough and of a kind Tend keeps, else refused.

The kind is read from the file's first bytes (its signature), never from the type the sender's
mail program declared, which anyone can set: an executable called invoice.pdf is refused. Kept:
images (JPEG, PNG, GIF, WebP, HEIC), PDF, plain text and CSV, and office documents (Word,
Excel, PowerPoint, old and new, and OpenDocument).
"""

import io
import os
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from crm.notices import single_line
from customers.models import InboundAttachment, InboundMessage

_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_OOXML_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", "": "text/plain"}


def sniff(content: bytes, filename: str) -> str | None:
    """Return the content type the bytes show, or None for a kind Tend does not keep."""
    for signature, content_type in _IMAGE_SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:12] in {b"ftypheic", b"ftypheix", b"ftypmif1"}:
        return "image/heic"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    extension = os.path.splitext(filename)[1].lower()
    if content.startswith(_OLE):
        return _OLE_TYPES.get(extension)
    if content.startswith(b"PK\x03\x04"):
        return _office_zip_type(content)
    if extension in _TEXT_TYPES and _is_text(content):
        return _TEXT_TYPES[extension]
    return None


def _office_zip_type(content: bytes) -> str | None:
    """Return the type of an Office Open XML or OpenDocument file; None for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared.startswith("application/vnd.oasis") else None
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, content_type in _OOXML_TYPES.items():
        if any(name.startswith(folder) for name in names):
            return content_type
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_filename(filename: str) -> str:
    """Return the file's own name, without folders or control characters; never empty."""
    name = os.path.basename(filename.replace("\\", "/"))
    return single_line(name, 255) or _("unnamed file")


def keep_or_refuse(*, message: InboundMessage, incoming) -> InboundAttachment:
    """Keep one attachment of the email, or record that it was refused and why."""
    filename = clean_filename(incoming.filename)
    size = len(incoming.content)
    limit = settings.INBOUND_ATTACHMENT_MAX_BYTES
    content_type = sniff(incoming.content, filename) if size <= limit else None
    refused = ""
    if size > limit:
        refused = _("larger than %(limit)s") % {"limit": filesizeformat(limit)}
    elif content_type is None:
        refused = _("not a kind of file Tend keeps (images, PDF, text, office documents)")
    return InboundAttachment.objects.create(
        message=message,
        filename=filename,
        content_type=content_type or single_line(incoming.declared_type, 100),
        size=size,
        content=None if refused else incoming.content,
        refused_because=refused,
    )
