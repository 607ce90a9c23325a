"""The owners' admin for complaints: the lists owners tune (categories, root causes, SLA
targets, authority limits) and a read-mostly view of complaints with their timeline.

Only owners reach it (only the Owners role is ``is_staff``). Complaints are logged and moved
along in Tend itself, where the status flow and the authority rules apply: here a complaint's
status, timeline, remedies and handoffs are shown, not edited, and an owner's correction of the
other fields moves the complaint's version on, so a web form opened before it is refused.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import (
    AuthorityLimit,
    Category,
    Complaint,
    ComplaintHandoff,
    ComplaintUpdate,
    Remedy,
    RootCause,
    SLATarget,
)
from crm.business_time import BusinessDurationField
from customers.text import search_key

# Timeline entries shown on the complaint's page; a long-running complaint gathers hundreds.
RECENT_UPDATES = 30


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "parent", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    list_editable = ["is_active"]
    search_fields = ["name", "parent__name"]

    def get_queryset(self, request):
        # Joined so that every name reads "Delivery / Late", in lists and autocompletes alike.
        return super().get_queryset(request).select_related("parent")


@admin.register(RootCause)
class RootCauseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "is_active"]
    list_filter = ["is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "description"]


SLA_DURATIONS = ["first_response_minutes", "update_interval_minutes", "resolution_minutes"]


@admin.register(SLATarget)
class SLATargetAdmin(SimpleHistoryAdmin):
    list_display = ["severity", *SLA_DURATIONS]
    # Four rows tuned side by side: editing them in the list spares a page per severity.
    list_editable = SLA_DURATIONS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Stored in business minutes, entered and shown as "4 h" or "5 days", in the list's
        # boxes and on the change page alike.
        if db_field.name in SLA_DURATIONS:
            return BusinessDurationField(label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(SimpleHistoryAdmin):
    list_display = ["remedy_kind", "group", "user", "limit"]
    list_filter = ["remedy_kind", "group"]
    list_select_related = ["group", "user"]
    search_fields = ["group__name", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    fields = ["remedy_kind", "group", "user", "max_amount"]

    @admin.display(description=_("up to"), ordering="max_amount")
    def limit(self, obj):
        return gettext("unlimited") if obj.max_amount is None else obj.max_amount


class BreachingFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "breaching"

    def lookups(self, request, model_admin):
        return [("yes", _("Breaching")), ("no", _("Within SLA"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.breaching()
        if self.value() == "no":
            return queryset.exclude(pk__in=Complaint.objects.breaching().values("pk"))
        return queryset


class CategoryFilter(admin.SimpleListFilter):
    """By category; choosing a top-level one keeps its subcategories' complaints too."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        # The few categories in one query, each named with its parent ("Delivery / Late").
        return [(str(category.pk), str(category)) for category in _categories_in_order()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            pk = int(self.value())
            return queryset.filter(Q(category=pk) | Q(category__parent=pk))
        return queryset


def _categories_in_order() -> list[Category]:
    categories = list(Category.objects.select_related("parent"))
    # Each parent, then its children: the list reads as the two-level tree it is.
    return sorted(
        categories,
        key=lambda category: (
            (category.parent.name, category.name) if category.parent else (category.name, "")
        ),
    )


class RecentFirstFormSet(BaseInlineFormSet):
    """An inline formset over the newest rows only."""

    def get_queryset(self):
        # Sliced once and kept: the formset asks for its queryset once per form.
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:RECENT_UPDATES]
        return self._recent


class ReadOnlyInline(admin.TabularInline):
    """Rows written by Tend's services, where the rules of the flow apply; shown, not edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ComplaintUpdateInline(ReadOnlyInline):
    model = ComplaintUpdate
    formset = RecentFirstFormSet
    verbose_name_plural = _("recent timeline")
    fields = ["created_at", "kind", "author", "channel", "from_status", "to_status", "text"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class RemedyInline(ReadOnlyInline):
    model = Remedy
    fields = [
        "kind",
        "amount",
        "description",
        "proposed_by",
        "decision",
        "auto_approved",
        "decided_by",
        "decided_at",
        "delivered_at",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by", "decided_by")


class ComplaintHandoffInline(ReadOnlyInline):
    model = ComplaintHandoff
    fields = [
        "created_at",
        "from_user",
        "to_user",
        "note",
        "accepted_at",
        "declined_at",
        "decline_reason",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_user", "to_user")


class ComplaintAdminForm(forms.ModelForm):
    # The version the complaint had when the form was opened; a newer one means a lost update.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Complaint
        fields = [
            "customer",
            "contact",
            "channel",
            "received_at",
            "logged_by",
            "owner",
            "category",
            "severity",
            "customer_words",
            "what_we_heard",
            "heard_confirmed",
            "asked_remedy_kind",
            "asked_amount",
            "asked_words",
            "needs_by",
            "expected_by",
            "promised_by",
            "satisfied_at",
            "acknowledged_at",
            "first_response_due",
            "next_update_due",
            "resolution_due",
            "paused_at",
            "paused_minutes",
            "root_cause",
            "corrective_note",
            "is_repeat",
            "resolved_at",
            "closed_at",
            "outcome_satisfied",
            "handling_rating",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the table, not the instance: a history revert form carries an old record.
            self.fields["expected_version"].initial = self._current_version()

    def _current_version(self, *, lock: bool = False) -> int | None:
        rows = Complaint.objects.filter(pk=self.instance.pk)
        if lock:
            # The admin saves in one transaction (see ComplaintAdmin.history_form_view):
            # holding the row until then closes the gap between this check and the save.
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") != self._current_version(
            lock=True
        ):
            raise forms.ValidationError(
                _(
                    "Someone changed this complaint while you were editing it. "
                    "Open it again to see their changes, then make yours."
                ),
                code="stale",
            )
        return cleaned


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    form = ComplaintAdminForm
    list_display = [
        "reference",
        "customer",
        "owner",
        "status",
        "severity",
        "category",
        "received_at",
        "is_repeat",
        "breaching",
    ]
    list_filter = [
        "status",
        "severity",
        CategoryFilter,
        "is_repeat",
        BreachingFilter,
    ]
    list_select_related = ["customer", "owner", "category__parent"]
    # Searching goes through get_search_results; the admin shows the box only with these set.
    search_fields = ["reference", "customer__search_name", "customer_words"]
    search_help_text = _("Reference, customer name or the customer's words.")
    autocomplete_fields = ["customer", "contact", "logged_by", "owner", "category"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "reference",
        "status",
        "first_response_notified_at",
        "first_response_escalated_at",
        "update_notified_at",
        "update_escalated_at",
        "resolution_notified_at",
        "resolution_escalated_at",
        "created_at",
        "version",
        # Which rule gave the expected time when the complaint was logged.
        "expected_by_basis",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "status",
                    "customer",
                    "contact",
                    "channel",
                    "received_at",
                    "logged_by",
                    "owner",
                    "category",
                    "severity",
                    "expected_version",
                ]
            },
        ),
        (
            _("What the customer said"),
            {
                "fields": [
                    "customer_words",
                    "what_we_heard",
                    "heard_confirmed",
                    "asked_remedy_kind",
                    "asked_amount",
                    "asked_words",
                ]
            },
        ),
        (
            _("The four times"),
            {
                "fields": [
                    "needs_by",
                    "expected_by",
                    "expected_by_basis",
                    "promised_by",
                    "satisfied_at",
                ]
            },
        ),
        (
            _("SLA clock"),
            {
                "fields": [
                    "acknowledged_at",
                    "first_response_due",
                    "next_update_due",
                    "resolution_due",
                    "paused_at",
                    "paused_minutes",
                    ("first_response_notified_at", "first_response_escalated_at"),
                    ("update_notified_at", "update_escalated_at"),
                    ("resolution_notified_at", "resolution_escalated_at"),
                ]
            },
        ),
        (
            _("Outcome"),
            {
                "fields": [
                    "root_cause",
                    "corrective_note",
                    "is_repeat",
                    "resolved_at",
                    "closed_at",
                    "outcome_satisfied",
                    "handling_rating",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "version"]}),
    ]
    inlines = [ComplaintUpdateInline, RemedyInline, ComplaintHandoffInline]

    def get_queryset(self, request):
        # Whether each row breaches, worked out by the database with the same rule the filter
        # and the sweep use: one query for the page, however many rows.
        breaching = Complaint.objects.breaching().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_breaching=Exists(breaching))

    @admin.display(boolean=True, description=_("breaching"), ordering="is_breaching")
    def breaching(self, obj):
        return obj.is_breaching

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # Names match as Tend's own search does: without regard to case or accents.
        matches = (
            Q(reference__icontains=term)
            | Q(customer__search_name__contains=search_key(term))
            | Q(customer_words__icontains=term)
        )
        return queryset.filter(matches), False

    def has_add_permission(self, request):
        # Logging assigns the reference, starts the SLA clock and records the timeline: it is
        # done at /complaints/new/, by the service, never by a bare insert.
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj.version += 1
        # Only what the form edits: the status and the sweep's claim marks belong to the
        # services and the sweep, which may have moved them since this copy was read.
        obj.save(update_fields=[*ComplaintAdminForm.Meta.fields, "version"])

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert saves like the change form does, so it gets the same single transaction.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Remedy)
class RemedyAdmin(SimpleHistoryAdmin):
    list_display = [
        "complaint",
        "kind",
        "amount",
        "decision",
        "auto_approved",
        "proposed_by",
        "proposed_at",
        "decided_by",
    ]
    list_filter = ["decision", "kind", "auto_approved"]
    list_select_related = ["complaint", "proposed_by", "decided_by"]
    search_fields = ["complaint__reference", "description"]
    date_hierarchy = "proposed_at"

    # Deciding a remedy checks the decider's authority and tells the proposer: that happens in
    # the approval queue, where the rules apply. The admin keeps the record as it was decided.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
