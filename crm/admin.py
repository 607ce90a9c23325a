from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from crm import notices
from crm.admin_records import WrittenByCodeAdmin
from crm.calendar import default_week_line, set_default_week
from crm.models import BusinessHours, Holiday, ImportJob, Notice, WorkerHeartbeat

admin.site.site_header = "Tend"
admin.site.site_title = "Tend"
admin.site.index_title = "Administration"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]
    ordering = ["-seen_at"]


class BusinessHoursForm(forms.ModelForm):
    class Meta:
        model = BusinessHours
        fields = ["weekday", "opens", "closes"]
        help_texts = {
            "opens": _("A time of day such as 09:00, in the business's time zone."),
            "closes": _("Such as 17:00; 00:00 means midnight, the end of the day."),
        }


@admin.register(BusinessHours)
class BusinessHoursAdmin(SimpleHistoryAdmin):
    form = BusinessHoursForm
    list_display = ["weekday", "opens", "closes"]
    list_display_links = ["weekday"]
    # The week is edited as a whole: adjusting times in the list spares a page per row.
    list_editable = ["opens", "closes"]
    ordering = ["weekday", "opens"]
    # Explains the week in plain words and offers the default week while there is none.
    change_list_template = "admin/crm/businesshours/change_list.html"

    def get_urls(self):
        default_week = self.admin_site.admin_view(self.default_week_view)
        return [
            path("default-week/", default_week, name="crm_businesshours_default_week"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "time_zone": settings.TIME_ZONE,
            "offer_default_week": self.has_add_permission(request)
            and not BusinessHours.objects.exists(),
        }
        return super().changelist_view(request, extra_context)

    def default_week_view(self, request):
        """Set Monday to Friday, 09:00 to 17:00 with one click, only while no hours exist."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        if set_default_week():
            self.message_user(request, default_week_line(), messages.SUCCESS)
        else:
            self.message_user(
                request, gettext("Business hours exist already; nothing changed."), messages.INFO
            )
        return redirect("admin:crm_businesshours_changelist")


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["-date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": gettext(
                "Days the business is closed all day: no deadline counts them. "
                "Add each one, e.g. public holidays for the year ahead."
            ),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Notice)
class NoticeAdmin(WrittenByCodeAdmin):
    list_display = [
        "created_at",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "read_at",
    ]
    list_filter = ["status"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["resend"]

    # The outbox's record of what each person was told and whether it reached them: written by
    # crm.notices only. Owners read it and may send a failed notice again.
    def has_resend_permission(self, request):
        return request.user.has_perm("crm.change_notice")

    @admin.action(description=_("Send the failed notices again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = notices.resend_notices(notices=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d notice queued to be sent again.",
                "%(count)d notices queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TendUserAdmin(UserAdmin):
    """Django's user admin, refusing to delete anyone the history names.

    The records people made point at them with protected keys, so Django's delete page already
    refuses those; the history tables name their authors without a constraint (deleting the
    person would blank the name), so they are checked here. Deactivation is the way out.
    """

    def get_deleted_objects(self, objs, request):
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deletable, counts, perms_needed, [*protected, *history_authored_by(objs)]


def history_authored_by(users) -> list[str]:
    """Return a line per kind of record whose history names any of these people as author."""
    lines = []
    for model in registered_models.values():
        history = getattr(model, model._meta.simple_history_manager_attribute)
        count = history.filter(history_user__in=users).count()
        if count:
            lines.append(
                gettext("%(count)s recorded changes to %(kind)s")
                % {"count": count, "kind": model._meta.verbose_name_plural}
            )
    return lines


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Background imports, newest first, each linking to its progress page."""

    list_display = ["created_at", "progress_page", "status", "total_rows", "created_by"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = [
        "file_name",
        "resource",
        "created_by",
        "created_at",
        "status",
        "total_rows",
        "rows_checked",
        "created_count",
        "updated_count",
        "error_count",
        "failure",
        "started_at",
        "finished_at",
    ]

    @admin.display(description=_("file"))
    def progress_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.file_name or "—")

    def get_queryset(self, request):
        # The file itself can be megabytes; nothing here shows it.
        return super().get_queryset(request).defer("content", "errors")

    # Written by the import: started from a model's import page, changed only by the worker.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
