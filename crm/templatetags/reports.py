"""``{{ value|report_cell }}``: a report table's cell, as the CSV writes it too."""

from django import template

from crm.reporting import cell_text

register = template.Library()


@register.filter
def report_cell(value) -> str:
    return cell_text(value)


@register.filter
def get_item(container, key):
    """Return container[key] (a dict's value or a list's item), or "" when there is none."""
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return ""
