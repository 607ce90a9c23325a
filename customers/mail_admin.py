"""Admin pages of inbound email: the triage settings owners edit, the email Tend received."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.admin_records import WrittenByCodeAdmin
from customers.models import InboundAttachment, InboundMailSettings, InboundMessage


@admin.register(InboundMailSettings)
class InboundMailSettingsAdmin(SimpleHistoryAdmin):
    """One row, made by migration 0013: who triages email Tend cannot place."""

    list_display = ["__str__", "triage_person"]
    list_select_related = ["triage_person"]
    fields = ["triage_person"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = InboundAttachment
    fields = ["download", "content_type", "size", "refused_because"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("file"))
    def download(self, attachment):
        if not attachment.is_kept:
            return attachment.filename
        url = reverse("customers:mail_attachment", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.filename)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(WrittenByCodeAdmin):
    """Every email received through the inbound webhook, and what became of it."""

    list_display = ["received_at", "sender_email", "subject", "outcome", "customer"]
    list_filter = ["outcome"]
    list_select_related = ["customer"]
    search_fields = ["sender_email", "subject", "message_id"]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline]
