from django.contrib import admin

from crm.models import BusinessHours, Holiday, WorkerHeartbeat

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
