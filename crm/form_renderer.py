"""Widgets drawn by Jinja2: the same HTML in a fifth of the time.

Django draws each widget, and each option of a select, through a template of its own; through
the Django template language a phone's complaint form spent half of its 28 ms there. Django
ships every built-in widget's template for Jinja2 too (``django/forms/jinja2``), which draws
them several times faster. Widgets that ship Django templates only (the admin's) are drawn
as before. Field and form layouts stay with crispy-forms' Django templates.

A core module: it imports no app.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class JinjaWidgets(Jinja2):
    """Django's Jinja2 form renderer, falling back to Django templates for a widget that has
    no Jinja2 template."""

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)
