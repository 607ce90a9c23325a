from django.contrib import admin

from crm.models import WorkerHeartbeat

admin.site.site_header = "Tend"
admin.site.site_title = "Tend"
admin.site.index_title = "Administration"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]
    ordering = ["-seen_at"]
