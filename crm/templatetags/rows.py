"""``{% row "customers/rows/follow_up.html" follow_up=follow_up %}`` and
``{% rows section.item_template section.items one_click=True %}``: rows drawn by Jinja2.

A row's template is a Jinja2 template (crm/jinja.py says why) in its app's ``jinja2/``
folder. It reads what the tag names, and of the page only what rows read: the request, the
person, the moment the page was drawn, the form's CSRF token and the few switches lists set
(``one_click``, ``show_owner``, ``next``, ``on_complaint_page``). ``{% rows %}`` draws one row
per item and hands each row its item under every name a row template calls its object by.
"""

from django import template
from django.template import engines
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

PAGE_NAMES = ("request", "user", "now", "next", "one_click", "show_owner", "on_complaint_page")
# Each app's row template names its object its own way.
ITEM_NAMES = ("follow_up", "complaint", "remedy", "handoff", "step", "notice")


def _page_values(context) -> dict:
    values = {name: context[name] for name in PAGE_NAMES if name in context}
    # Read once for all the rows: their words are looked up in it (crm/jinja.py).
    values["LANGUAGE_CODE"] = get_language()
    # Rows compare due times with the page's moment; a page that set none is drawn now.
    values.setdefault("now", timezone.now())
    token = context.get("csrf_token")
    values["csrf_input"] = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token
        else ""
    )
    return values


@register.simple_tag(takes_context=True)
def row(context, template_name: str, **values) -> str:
    """Draw one row through its Jinja2 template."""
    jinja_template = engines["jinja2"].env.get_template(template_name)
    return mark_safe(jinja_template.render({**_page_values(context), **values}))  # noqa: S308


@register.simple_tag(takes_context=True)
def rows(context, template_name: str, items, **values) -> str:
    """Draw a row for each item through the same Jinja2 template."""
    jinja_template = engines["jinja2"].env.get_template(template_name)
    page = {**_page_values(context), **values}
    drawn = [jinja_template.render({**page, **dict.fromkeys(ITEM_NAMES, item)}) for item in items]
    return mark_safe("".join(drawn))  # noqa: S308
