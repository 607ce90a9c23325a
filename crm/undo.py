"""An "Undo" button on the message that reports a change, working without JavaScript.

A view that made a change which may be taken back calls ``offer_undo``: the success message
carries the path of the undo action in its tags, and base.html draws the message with a
button that POSTs there. The message is shown once (the messages framework's storage is
signed), and the undo action itself decides whether it is still allowed.
"""

from django.contrib import messages

UNDO_TAG = "tend-undo:"


def offer_undo(request, text: str, *, url: str) -> None:
    """Report a change with a button that POSTs to ``url`` (a path of this site) to undo it."""
    messages.success(request, text, extra_tags=f"{UNDO_TAG}{url}")


def undo_url(message) -> str:
    """Return the undo path a message carries, or "" for a message without one."""
    tags = getattr(message, "extra_tags", "") or ""
    if not tags.startswith(UNDO_TAG):
        return ""
    url = tags.removeprefix(UNDO_TAG)
    # Only a path of this site: never a form posting elsewhere.
    return url if url.startswith("/") and not url.startswith("//") else ""
