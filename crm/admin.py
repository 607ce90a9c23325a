from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessHours, Holiday, ImportJob, WorkerHeartbeat

admin.site.site_header = "Tend"
admin.site.site_title = "Tend"
admin.site.index_title = "Administration"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]
    ordering = ["-seen_at"]


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_filter = ["weekday"]
    # The week is edited as a whole: adjusting times in the list spares a page per row.
    list_editable = ["opens", "closes"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


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
