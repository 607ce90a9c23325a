"""The owners' admin for onboarding: the checklist templates they design, and a read-mostly view
of running onboardings and their handoffs.

Only owners reach it (only the Owners role is ``is_staff``). Onboardings are started, moved along
and handed over in Tend itself, where the services check who may do what and tell the people
involved: here their steps and handoffs are shown, not edited.
"""

from collections import Counter

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.text import search_key
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep

# --- Templates -----------------------------------------------------------------------------------


class TemplateStepForm(forms.ModelForm):
    class Meta:
        model = TemplateStep
        fields = [
            "position",
            "title",
            "group",
            "due_after_days",
            "is_required",
            "is_handoff_point",
            "captures_preferences",
            "instructions",
        ]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 2, "cols": 40})}
        error_messages = {
            "due_after_days": {
                "min_value": _(
                    "“Due after” cannot be negative: count business days from the start of "
                    "the onboarding, 0 for the day it starts."
                ),
                "max_value": _("“Due after” can be at most %(limit_value)s business days."),
            },
        }


class TemplateStepFormSet(BaseInlineFormSet):
    """The steps of one template, checked together: at least one, each in its own place."""

    def clean(self):
        super().clean()
        if any(self.errors):
            # Each step's own errors first; the whole list is judged once they are fixed.
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]
        if not kept:
            raise forms.ValidationError(
                gettext("A template needs at least one step."), code="no_steps"
            )
        positions = Counter(form.cleaned_data["position"] for form in kept)
        shared = sorted(position for position, count in positions.items() if count > 1)
        if shared:
            raise forms.ValidationError(
                ngettext(
                    "Two steps share the position %(positions)s: give each step its own.",
                    "Steps share the positions %(positions)s: give each step its own.",
                    len(shared),
                )
                % {"positions": ", ".join(str(position) for position in shared)},
                code="duplicate_position",
            )
        last = max(kept, key=lambda form: form.cleaned_data["position"])
        if last.cleaned_data.get("is_handoff_point"):
            raise forms.ValidationError(
                gettext(
                    "The last step cannot be a handoff point: no step follows it, so no team "
                    "would take the work over."
                ),
                code="handoff_last",
            )


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    form = TemplateStepForm
    formset = TemplateStepFormSet
    # Ordered by the number an owner types; renumbering is how steps are moved.
    ordering = ["position", "pk"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "group":
            # Read the groups once for the page: otherwise every step's menu queries them.
            field.choices = list(field.choices)
        return field


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active", "step_count"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = ["name", "description", "is_active"]
    inlines = [TemplateStepInline]

    def get_queryset(self, request):
        # Counted by the database with the list's query, not once per row.
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description=_("steps"), ordering="step_total")
    def step_count(self, obj):
        return obj.step_total


# --- Running onboardings ---------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Rows written by Tend's services, where the rules of the flow apply; shown, not edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OnboardingStepInline(ReadOnlyInline):
    model = OnboardingStep
    fields = ["position", "title", "group", "assignee", "due_at", "done_at", "done_by", "note"]
    readonly_fields = fields
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group", "assignee", "done_by")


class HandoffInline(ReadOnlyInline):
    model = Handoff
    fk_name = "onboarding"
    fields = [
        "created_at",
        "step",
        "from_user",
        "to_user",
        "note",
        "accepted_at",
        "declined_at",
        "decline_reason",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step", "from_user", "to_user")


class OnboardingAdminForm(forms.ModelForm):
    class Meta:
        model = Onboarding
        # What an owner may correct; who owns it and where it stands move only by the services.
        fields = ["name", "target_at"]


@admin.register(Onboarding)
class OnboardingAdmin(SimpleHistoryAdmin):
    form = OnboardingAdminForm
    list_display = [
        "customer",
        "owner",
        "status",
        "started_at",
        "target_at",
        "last_progress_at",
    ]
    list_filter = ["status"]
    list_select_related = ["customer", "owner"]
    # Searching goes through get_search_results; the admin shows the box only with these set.
    search_fields = ["customer__search_name"]
    search_help_text = _("Customer name.")
    readonly_fields = [
        "customer",
        "template",
        "owner",
        "status",
        "started_at",
        "started_by",
        "last_progress_at",
        "completed_at",
        "cancelled_at",
        "cancel_reason",
    ]
    fields = [
        "name",
        "customer",
        "template",
        "owner",
        "status",
        "started_at",
        "started_by",
        "target_at",
        "last_progress_at",
        "completed_at",
        "cancelled_at",
        "cancel_reason",
    ]
    inlines = [OnboardingStepInline, HandoffInline]

    def get_queryset(self, request):
        # The change page shows these names too: joined there as in the list.
        return (
            super()
            .get_queryset(request)
            .select_related("customer", "owner", "template", "started_by")
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # Names match as Tend's own search does: without regard to case or accents.
        return queryset.filter(customer__search_name__contains=search_key(term)), False

    def has_add_permission(self, request):
        # Starting copies the template's steps and tells the people given work: it is done
        # from the customer's page, by the service, never by a bare insert.
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        # Only what the form edits: the services may have moved the rest since it was read.
        obj.save(update_fields=OnboardingAdminForm.Meta.fields)


# --- Handoffs ------------------------------------------------------------------------------------


class AnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Waiting for an answer")),
            ("accepted", _("Accepted")),
            ("declined", _("Declined")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "accepted":
            return queryset.accepted()
        if self.value() == "declined":
            return queryset.declined()
        return queryset


@admin.register(Handoff)
class HandoffAdmin(SimpleHistoryAdmin):
    list_display = [
        "onboarding",
        "from_user",
        "to_user",
        "created_at",
        "answer",
        "accepted_at",
        "declined_at",
    ]
    list_filter = [AnswerFilter]
    list_select_related = ["onboarding", "from_user", "to_user"]
    search_fields = ["onboarding__customer__search_name"]
    search_help_text = _("Customer name.")
    date_hierarchy = "created_at"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.filter(onboarding__customer__search_name__contains=search_key(term))
        return matches, False

    @admin.display(description=_("answer"))
    def answer(self, obj):
        if obj.accepted_at:
            return gettext("Accepted")
        if obj.declined_at:
            return gettext("Declined")
        return gettext("Waiting")

    # Accepting makes the receiver the owner and declining tells the sender why: that happens
    # where the receiver answers, under the rules. The admin keeps the record as it was.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
