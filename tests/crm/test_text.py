"""What Tend accepts as text: the search cleaner, the single-line rule and where it applies."""

import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from crm.text import SEARCH_MAX_LENGTH, SearchField, clean_search_text, validate_single_line

APPS = ("crm", "customers", "complaints", "onboarding")


def test_search_text_loses_control_characters_and_extra_blanks():
    assert clean_search_text("  Zoë\x00 \t Müller\r\n\u202e ") == "Zoë Müller"


def test_search_text_is_capped():
    assert len(clean_search_text("x" * 100_000)) == SEARCH_MAX_LENGTH


def test_search_text_of_nothing_is_empty():
    assert clean_search_text(None) == ""
    assert clean_search_text("\x00\x00") == ""


@pytest.mark.parametrize("text", ["Ann\nLee", "Ann\rLee", "Ann\r\nBcc: x@example.com", "A\u2028B"])
def test_a_line_break_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(text)
    assert refused.value.code == "line_break"


def test_one_line_with_tabs_and_accents_passes():
    validate_single_line("Zoë Müller\t(café)")


def _single_line_model_fields():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if hasattr(model, "instance_type"):
                continue  # simple-history's copy of a model checked here in its own right
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField)
                    and not isinstance(field, models.EmailField)
                    and field.editable
                    and not field.choices
                ):
                    yield f"{model.__name__}.{field.name}", field


@pytest.mark.parametrize(("name", "field"), list(_single_line_model_fields()))
def test_every_editable_model_text_line_refuses_line_breaks(name, field):
    # A long text is a TextField; a CharField is shown, mailed and exported on one line.
    assert validate_single_line in field.validators, name


def _plain_form_text_boxes():
    for app in APPS:
        try:
            module = __import__(f"{app}.forms", fromlist=["forms"])
        except ModuleNotFoundError:
            continue
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if (
                not issubclass(form_class, forms.BaseForm)
                or form_class.__module__ != module.__name__
            ):
                continue
            # A model form's own fields carry their model field's validators (checked above).
            for field_name, field in form_class.declared_fields.items():
                if type(field.widget) is forms.TextInput and isinstance(field, forms.CharField):
                    yield f"{form_class.__name__}.{field_name}", field


@pytest.mark.parametrize(("name", "field"), list(_plain_form_text_boxes()))
def test_every_one_line_box_of_a_form_is_cleaned_or_refuses_line_breaks(name, field):
    # A search box cleans line breaks away; every other one-line box refuses them.
    assert isinstance(field, SearchField) or validate_single_line in field.validators, name
