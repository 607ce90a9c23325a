"""/reports/: the sections every app registers, for a period and a person or team, with CSV.

Whose figures a person may see is decided by crm.reporting.scope_for, not here: the view
passes on what was asked for, and a refusal becomes a 403 with its reason.
"""

import csv
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from crm import reporting
from crm.charts import chart_data_uri
from crm.spreadsheet import guard_formula

CUSTOM = "custom"
PERIOD_CHOICES = [
    *(
        (str(days), gettext_lazy("Last %(days)d days") % {"days": days})
        for days in reporting.PERIOD_DAYS
    ),
    (CUSTOM, gettext_lazy("Dates below")),
]


def _person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class ReportFilterForm(forms.Form):
    """The period and, for those who may see everyone, whose figures.

    For front-line staff ``person`` and ``team`` are hidden plain numbers: whatever they send
    is passed to scope_for, which refuses anyone but themselves.
    """

    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, may_see_everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_see_everyone:
            people = (
                get_user_model()
                .objects.filter(is_active=True, groups__isnull=False)
                .distinct()
                .order_by("first_name", "username")
            )
            self.fields["person"] = forms.TypedChoiceField(
                label=_("Person"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Everyone")), *((p.pk, _person_label(p)) for p in people)],
            )
            self.fields["team"] = forms.TypedChoiceField(
                label=_("Team"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", _("All teams")),
                    *Group.objects.order_by("name").values_list("pk", "name"),
                ],
            )
        else:
            for name in ("person", "team"):
                self.fields[name] = forms.IntegerField(
                    required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
                )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if cleaned.get("period") == CUSTOM:
            if first is None or last is None:
                raise forms.ValidationError(
                    _("Give both dates of the range."), code="range_missing"
                )
            if last < first:
                raise forms.ValidationError(
                    _("The range ends before it starts."), code="range_order"
                )
            if (last - first).days + 1 > reporting.MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)d days.") % {"days": reporting.MAX_PERIOD_DAYS},
                    code="range_too_long",
                )
        if cleaned.get("person") is not None and cleaned.get("team") is not None:
            raise forms.ValidationError(_("Choose a person or a team, not both."), code="both")
        return cleaned

    def period_value(self) -> reporting.Period:
        """Return the period asked for; the default when the form is not valid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or str(reporting.DEFAULT_PERIOD_DAYS)
        if choice == CUSTOM:
            return reporting.Period.between(data["date_from"], data["date_to"])
        return reporting.Period.last_days(int(choice))


def _asked(form: ReportFilterForm, name: str):
    """Return the person or team asked for when the field is valid, else None.

    The field's error shows on the form; what a valid field asks for goes to scope_for even
    when another field is wrong, so that a bad date cannot widen what a person sees.
    """
    if not form.is_bound:
        return None
    form.is_valid()
    return form.cleaned_data.get(name)


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """How the business is doing: each app's report sections for a period and a scope."""
    everyone = reporting.may_see_everyone(request.user)
    form = ReportFilterForm(request.GET or None, may_see_everyone=everyone)
    scope = reporting.scope_for(
        request.user, person_id=_asked(form, "person"), team_id=_asked(form, "team")
    )
    period = (
        form.period_value()
        if form.is_bound
        else reporting.Period.last_days(reporting.DEFAULT_PERIOD_DAYS)
    )
    sections = reporting.sections_for(period, scope)
    if request.GET.get("format") == "csv":
        return _csv(sections, request.GET.get("table", ""), period)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return render(
        request,
        "crm/reports.html",
        {
            "form": form,
            "period": period,
            "scope": scope,
            "may_see_everyone": everyone,
            "sections": sections,
            "charts": {
                table.key: chart_data_uri(table)
                for section in sections
                for table in section.tables
            },
            "base_query": query.urlencode(),
            "now": timezone.now(),
        },
    )


def _csv(sections, key: str, period: reporting.Period) -> HttpResponse:
    """Return one table as CSV, its cells exactly as the page shows them."""
    table = reporting.find_table(sections, key)
    if table is None:
        raise Http404(_("No such table."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    last = period.end - timedelta(days=1)
    filename = f"tend-{table.key}-{period.start:%Y%m%d}-{last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([guard_formula(str(column)) for column in table.columns])
    for row in table.rows:
        writer.writerow([guard_formula(reporting.cell_text(value)) for value in row])
    return response
