"""The customer admin's way with deletion: a customer with history is archived, never deleted.

Django's own delete page would list every row of a customer's history as "protected" (thousands
for a long-standing customer) and offer nothing; this one says why and offers the archive.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from customers import services
from customers.models import Customer

# Customers named on the "cannot delete" page, each with what it holds; the rest are counted.
REFUSED_SHOWN = 20


class ArchivedFilter(admin.SimpleListFilter):
    """Current customers unless asked otherwise, as in Tend's own customer list."""

    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("archived", _("Archived")), ("all", _("All"))]

    def choices(self, changelist):
        # No "All" entry of Django's own: the filter has a default, "Current".
        selected = self.value() or "current"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": selected == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "archived":
            return queryset.archived()
        if self.value() == "all":
            return queryset
        return queryset.current()


class ArchiveInsteadOfDeleteAdmin(admin.ModelAdmin):
    """Archive and restore actions, and deletion refused for customers with history."""

    def has_archive_permission(self, request):
        return request.user.has_perm(services.ARCHIVE_CUSTOMER)

    @admin.action(description=_("Archive selected customers"), permissions=["archive"])
    def archive_selected(self, request, queryset):
        self._archive_or_restore(
            request,
            queryset,
            lambda customer: services.archive_customer(actor=request.user, customer=customer),
            lambda count: ngettext(
                "%(count)d customer was archived with their history.",
                "%(count)d customers were archived with their history.",
                count,
            ),
        )

    @admin.action(description=_("Restore selected archived customers"), permissions=["archive"])
    def restore_selected(self, request, queryset):
        self._archive_or_restore(
            request,
            queryset,
            lambda customer: services.restore_customer(actor=request.user, customer=customer),
            lambda count: ngettext(
                "%(count)d customer was restored.", "%(count)d customers were restored.", count
            ),
        )

    def _archive_or_restore(self, request, queryset, change, done_message) -> None:
        done = 0
        for customer in queryset:
            try:
                change(customer)
            except services.ArchiveError as error:
                self.message_user(request, str(error), level=messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (self.delete_selected_unless_history, name, description)
        return actions

    @staticmethod
    def delete_selected_unless_history(modeladmin, request, queryset):
        """Django's bulk delete, refused (all of it) when any selected customer has history."""
        kept = queryset.with_history()
        if kept.exists():
            return modeladmin.refuse_deletion(request, kept)
        return delete_selected(modeladmin, request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        # Checked before Django's own page, which would list every row of the history.
        customer = self.get_object(request, unquote(object_id))
        if customer is not None and self.has_delete_permission(request, customer):
            kept = Customer.objects.filter(pk=customer.pk).with_history()
            if kept.exists():
                return self.refuse_deletion(request, kept)
        return super().delete_view(request, object_id, extra_context)

    def refuse_deletion(self, request, kept) -> TemplateResponse:
        """Explain that customers with history are archived, not deleted, and offer that."""
        opts = self.model._meta
        shown = list(kept.order_by("name")[:REFUSED_SHOWN])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Cannot delete"),
            "opts": opts,
            "customers": [(customer, customer.history_summary()) for customer in shown],
            "more": kept.count() - len(shown),
            "archive_pks": list(kept.current().values_list("pk", flat=True)),
            "may_archive": self.has_archive_permission(request),
        }
        return TemplateResponse(request, "admin/customers/customer/delete_refused.html", context)
