"""The owners' admin for customers, the contact log and follow-up commitments.

Only owners reach it (the admin lets in ``is_staff`` people, and only the Owners role is staff).
Customer edits go through the services so that the edit version moves on: a web form opened
before an admin save is then refused instead of silently undoing it, and the reverse.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.admin_records import WrittenByCodeAdmin
from crm.import_admin import CsvImportExportAdmin
from customers import mail_admin, services  # noqa: F401 (importing mail_admin registers it)
from customers.admin_archive import ArchivedFilter, ArchiveInsteadOfDeleteAdmin
from customers.models import (
    CUSTOMER_RECORD_FIELDS,
    Contact,
    Customer,
    DigestLog,
    FollowUp,
    FollowUpReschedule,
    Interaction,
    Weekday,
)
from customers.resources import ContactResource, CustomerResource
from customers.text import normalise_phone

# Interactions shown on the customer's page; a long-standing customer has thousands.
RECENT_INTERACTIONS = 20


class HasOpenFollowUpsFilter(admin.SimpleListFilter):
    title = _("open follow-ups")
    parameter_name = "open_follow_ups"

    def lookups(self, request, model_admin):
        return [("yes", _("Has open follow-ups"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_open_follow_ups()
        return queryset


class CustomerAdminForm(forms.ModelForm):
    contact_days = forms.TypedMultipleChoiceField(
        label=_("Days to contact"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for any day."),
    )
    # The version the record had when the form was opened; a newer one means a lost update.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = [*CUSTOMER_RECORD_FIELDS[:4], "referred_by", *CUSTOMER_RECORD_FIELDS[4:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["contact_days"] = sorted(self.instance.contact_weekdays)
            # Read from the table, not the instance: a history revert form carries an old
            # record whose version is not the current one.
            self.fields["expected_version"].initial = self._current_version()

    def _current_version(self, *, lock: bool = False) -> int | None:
        rows = Customer.objects.filter(pk=self.instance.pk)
        if lock:
            # The admin saves inside one transaction (the change view's, or the revert's, see
            # CustomerAdmin.history_form_view): holding the row until then closes the gap
            # between this check and the save.
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and normalise_phone(phone) is None:
            raise forms.ValidationError(
                _("“%(phone)s” is not a phone number we can call."),
                code="invalid_phone",
                params={"phone": phone},
            )
        return phone

    def clean_contact_days(self):
        return "".join(str(day) for day in sorted(set(self.cleaned_data["contact_days"])))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("contact_from"), cleaned.get("contact_until")
        if starts and ends and ends <= starts:
            self.add_error(
                "contact_until",
                forms.ValidationError(
                    _("The contact window must end after it starts."), code="window_order"
                ),
            )
        if self.instance.pk and cleaned.get("expected_version") != self._current_version(
            lock=True
        ):
            raise forms.ValidationError(
                _(
                    "Someone else saved this customer while you were editing it. "
                    "Open it again to see their changes, then make yours."
                ),
                code="stale",
            )
        return cleaned


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "role", "email", "phone", "preferred_channel", "is_primary", "notes"]
    extra = 0
    show_change_link = True


class RecentFirstFormSet(BaseInlineFormSet):
    """An inline formset over the newest rows only."""

    def get_queryset(self):
        # Sliced once and kept: the formset asks for its queryset once per form.
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:RECENT_INTERACTIONS]
        return self._recent


class RecentInteractionInline(admin.TabularInline):
    model = Interaction
    formset = RecentFirstFormSet
    verbose_name_plural = _("recent interactions")
    fields = ["occurred_at", "channel", "direction", "staff", "summary", "is_positive"]
    readonly_fields = fields
    ordering = ["-occurred_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff")

    # The contact log is written by the people who had the contact, in Tend itself; here it is
    # read. Each entry opens in its own admin page for corrections.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ArchiveInsteadOfDeleteAdmin, CsvImportExportAdmin, SimpleHistoryAdmin):
    form = CustomerAdminForm
    resource_classes = [CustomerResource]
    list_display = [
        "name",
        "kind",
        "status",
        "account_owner",
        "phone",
        "email",
        "preferred_channel",
        "do_not_contact",
        "is_archived",
        "updated_at",
    ]
    list_filter = [
        ArchivedFilter,
        "status",
        "kind",
        "preferred_channel",
        "do_not_contact",
        HasOpenFollowUpsFilter,
        ("account_owner", admin.RelatedOnlyFieldListFilter),
        "lost_reason",
    ]
    list_select_related = ["account_owner"]
    # Searching goes through Customer.objects.search (see get_search_results); the admin asks
    # for search_fields before it offers the box and autocompletes.
    search_fields = ["name", "email", "phone"]
    search_help_text = _("Name, email or phone number, written any way.")
    autocomplete_fields = ["account_owner", "referred_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "phone_as_read",
        "all_interactions",
        "created_at",
        "updated_at",
        "version",
        "archived_at",
        "archived_by",
        "archive_reason",
    ]
    actions = ["archive_selected", "restore_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "status",
                    "account_owner",
                    "referred_by",
                    "expected_version",
                ]
            },
        ),
        (
            _("How to reach them"),
            {"fields": ["phone", "phone_as_read", "email", "address", "preferred_channel"]},
        ),
        (
            _("When to contact them"),
            {
                "fields": [
                    "contact_days",
                    ("contact_from", "contact_until"),
                    "do_not_contact",
                    "no_messages",
                    "keep_in_touch_days",
                ]
            },
        ),
        (_("What they care about"), {"fields": ["interests", "goals"]}),
        (
            _("Lifecycle"),
            {"fields": ["became_customer_on", "lost_on", "lost_reason", "lost_note"]},
        ),
        (
            _("Archive"),
            {
                "fields": ["archived_at", "archived_by", "archive_reason"],
                "description": _(
                    "A customer with history is archived, never deleted: use the "
                    "“Archive selected customers” action of the list."
                ),
            },
        ),
        (
            _("Record"),
            {"fields": ["all_interactions", "created_at", "updated_at", "version"]},
        ),
    ]
    inlines = [ContactInline, RecentInteractionInline]

    @admin.display(boolean=True, description=_("archived"), ordering="archived_at")
    def is_archived(self, obj):
        return obj.is_archived

    @admin.display(description=_("number as Tend reads it"))
    def phone_as_read(self, obj):
        return obj.phone_normalised or "—"

    @admin.display(description=_("contact log"))
    def all_interactions(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:customers_interaction_changelist")
        return format_html(
            '<a href="{}?customer__id__exact={}">{}</a>', url, obj.pk, gettext("All interactions")
        )

    def get_search_results(self, request, queryset, search_term):
        # The app's own search: phone numbers match however they were written, names without
        # regard to case or accents. It joins through EXISTS, so no duplicates.
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if change:
            services.update_customer(
                actor=request.user,
                customer=obj,
                expected_version=form.cleaned_data["expected_version"],
            )
        else:
            services.create_customer(actor=request.user, customer=obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert saves like the change form does, so it gets the same single transaction.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Contact)
class ContactAdmin(CsvImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [ContactResource]
    list_display = [
        "name",
        "customer",
        "role",
        "email",
        "phone",
        "preferred_channel",
        "is_primary",
    ]
    list_filter = ["is_primary", "preferred_channel"]
    list_select_related = ["customer"]
    search_fields = ["name", "email", "phone", "customer__name"]
    autocomplete_fields = ["customer"]
    fields = [
        "customer",
        "name",
        "role",
        "email",
        "phone",
        "phone_normalised",
        "preferred_channel",
        "is_primary",
        "notes",
    ]
    readonly_fields = ["phone_normalised"]


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = [
        "occurred_at",
        "summary",
        "customer",
        "contact",
        "staff",
        "channel",
        "direction",
        "is_positive",
    ]
    list_filter = [
        "channel",
        "direction",
        "is_positive",
        ("staff", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["customer", "contact", "staff"]
    search_fields = ["summary", "what_we_heard", "customer__name"]
    autocomplete_fields = ["customer", "contact", "staff"]
    date_hierarchy = "occurred_at"


class FollowUpRescheduleInline(admin.TabularInline):
    model = FollowUpReschedule
    fields = ["changed_at", "old_due_at", "new_due_at", "reason", "customer_told", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    # Moves are recorded by the reschedule service, never typed in.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = [
        "subject",
        "customer",
        "owner",
        "kind",
        "status",
        "due_at",
        "promised_to_customer",
        "overdue",
    ]
    list_filter = [
        "status",
        "kind",
        "promised_to_customer",
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["customer", "owner"]
    search_fields = ["subject", "customer__name", "owner__username"]
    autocomplete_fields = ["customer", "owner", "completed_by", "created_by"]
    date_hierarchy = "due_at"
    readonly_fields = [
        "source_link",
        "created_at",
        "assigned_at",
        "overdue_notified_at",
        "escalated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "customer",
                    "owner",
                    "kind",
                    "subject",
                    "due_at",
                    "promised_to_customer",
                    "channel",
                ]
            },
        ),
        (_("Outcome"), {"fields": ["status", "completed_at", "completed_by", "outcome"]}),
        (
            _("Record"),
            {
                "fields": [
                    "source_link",
                    "created_by",
                    "created_at",
                    "assigned_at",
                    "overdue_notified_at",
                    "escalated_at",
                ]
            },
        ),
    ]
    inlines = [FollowUpRescheduleInline]

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue()

    @admin.display(description=_("caused by"))
    def source_link(self, obj):
        if obj.source_type_id is None:
            return "—"
        source = obj.source
        if source is None:
            return gettext("a %(kind)s since deleted") % {"kind": obj.source_type.name}
        url = getattr(source, "get_absolute_url", None)
        label = f"{obj.source_type.name}: {source}"
        return format_html('<a href="{}">{}</a>', url(), label) if url else label


@admin.register(FollowUpReschedule)
class FollowUpRescheduleAdmin(WrittenByCodeAdmin):
    """An audit record of a moved promise: kept as it was written, and kept."""

    list_display = [
        "follow_up",
        "old_due_at",
        "new_due_at",
        "reason",
        "customer_told",
        "changed_by",
        "changed_at",
    ]
    list_filter = ["customer_told"]
    list_select_related = ["follow_up", "changed_by"]
    search_fields = ["reason", "follow_up__subject"]
    date_hierarchy = "changed_at"

    def lookup_allowed(self, lookup, value, request=None):
        # The reports' "promised times moved" links here for one person's promises.
        return lookup == "follow_up__owner__id__exact" or super().lookup_allowed(
            lookup, value, request
        )


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "sent_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    date_hierarchy = "day"

    # Written by the digest task to send each digest once; editing it would resend or suppress.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The admin of messages to customers lives beside them (customers/messaging/admin.py).
from customers.messaging import admin as messaging_admin  # noqa: E402, F401
