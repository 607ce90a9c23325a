"""The admin of customer messages: templates and sender (owners), the outbox (read only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from crm.admin_records import WrittenByCodeAdmin
from customers.messaging import delivery
from customers.messaging.models import CustomerMessage, MessageTemplate, MessagingSettings
from customers.messaging.placeholders import PLACEHOLDERS, unknown_placeholders
from customers.messaging.previews import render_preview

MANAGE = "customers.manage_customer_messages"


def check_placeholders(text: str) -> str:
    """Refuse a text naming a placeholder that does not exist; return it unchanged."""
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use only: %(known)s."),
            code="unknown_placeholder",
            params={
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )
    return text


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "subject", "body"]

    def clean_subject(self):
        return check_placeholders(self.cleaned_data["subject"])

    def clean_body(self):
        return check_placeholders(self.cleaned_data["body"])


class OwnersEditAdmin(SimpleHistoryAdmin):
    """Seen by whoever may view it; added to and changed by owners only."""

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE)

    # Deleting would leave events without words (their messages skipped) or no sender.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(OwnersEditAdmin):
    form = MessageTemplateForm
    list_display = ["event", "channel", "subject"]
    list_filter = ["event", "channel"]
    fields = ["event", "channel", "subject", "body", "placeholders", "preview"]
    readonly_fields = ["placeholders", "preview"]

    @admin.display(description=_("Placeholders"))
    def placeholders(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li><code>{{{}}}</code>: {}</li>", ((n, d) for n, d in PLACEHOLDERS.items())
            ),
        )

    @admin.display(description=_("Preview (the latest case, as saved)"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the template to see it filled in.")
        shown = render_preview(obj)
        if shown is None:
            return _("Nothing to preview with yet: no complaint or call back has been logged.")
        subject, body = shown
        return format_html(
            '<div class="message-preview"><p><strong>{}</strong></p>'
            '<pre style="white-space: pre-wrap">{}</pre></div>',
            subject,
            body,
        )


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(OwnersEditAdmin):
    list_display = ["__str__", "sender_name"]
    fields = ["sender_name", "signature"]

    # One row, written by the data migration: a second would never be read. (Asking the
    # database whether it exists would cost a query on every admin page, whose navigation
    # asks each model whether it may be added.)
    def has_add_permission(self, request):
        return False


@admin.register(CustomerMessage)
class CustomerMessageAdmin(WrittenByCodeAdmin):
    list_display = ["created_at", "customer", "event", "channel", "recipient", "status", "sent_at"]
    list_filter = ["status", "event", "channel"]
    list_select_related = ["customer"]
    search_fields = ["event_key", "recipient", "customer__name", "subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["resend"]

    # The record of what each customer was sent and whether it reached them: written by
    # customers.messaging only. Owners may send a failed message again.
    def has_resend_permission(self, request):
        return request.user.has_perm(MANAGE)

    @admin.action(description=_("Send the failed messages again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = delivery.resend_messages(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued to be sent again.",
                "%(count)d messages queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
