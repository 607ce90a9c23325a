"""``{% team_note filter.form %}``: says which team a list is narrowed to.

The lists' team filters are hidden (the reports' drill-down links set them), so the list says
in words whose rows it shows. A core module: it imports no app.
"""

from django import template
from django.contrib.auth.models import Group
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# The lists' hidden team filters and what each narrows to.
TEAM_FIELDS = {
    "team": gettext_lazy("Team"),
    "decider_team": gettext_lazy("Decided by the team"),
    "receiver_team": gettext_lazy("Handed to the team"),
}


@register.simple_tag
def team_note(form) -> str:
    """Return a line naming the teams the form narrows to; nothing (and no query) without one."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    chosen = {name: data[name] for name in TEAM_FIELDS if data.get(name)}
    if not chosen:
        return ""
    names = dict(Group.objects.filter(pk__in=chosen.values()).values_list("pk", "name"))
    parts = [
        (str(TEAM_FIELDS[name]), names.get(key, _("no such team"))) for name, key in chosen.items()
    ]
    return format_html(
        '<p class="small text-body-secondary tend-team-note">{}</p>',
        format_html_join(" · ", "{}: {}", parts),
    )
