"""Admin pages for records that code writes and people only read."""

from django.contrib import admin


class WrittenByCodeAdmin(admin.ModelAdmin):
    """List and show rows, never add, change or delete them in the admin.

    For audit and bookkeeping rows (an outbox's notices, a moved promise): what they record
    stays as it was written, so the admin offers no way to alter it.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
