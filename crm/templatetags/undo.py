"""``{{ message|undo_url }}``: the undo action a message offers (see crm/undo.py)."""

from django import template

from crm import undo

register = template.Library()


@register.filter
def undo_url(message) -> str:
    return undo.undo_url(message)
