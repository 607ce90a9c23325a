"""Staff pages of the email customers sent: the email itself, and its kept attachments."""

import io

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from customers.models import InboundAttachment, InboundMessage


@permission_required("customers.view_customer", raise_exception=True)
def mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage.objects.select_related("customer"), pk=pk)
    return render(
        request,
        "customers/mail_detail.html",
        {
            "message": message,
            # No content: only the names, types and sizes are shown.
            "attachments": list(message.attachments.defer("content")),
        },
    )


@permission_required("customers.view_customer", raise_exception=True)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send a kept attachment as a download, with the type its bytes showed, never inline."""
    attachment = get_object_or_404(InboundAttachment, pk=pk)
    if not attachment.is_kept:
        raise Http404("This attachment was refused.")
    return FileResponse(
        io.BytesIO(attachment.content),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
