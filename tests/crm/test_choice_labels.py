"""get_FOO_display() of the models drawn in lists: Django's answers, one translation each."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from crm.choices import ChoiceLabels

MODELS = [model for model in apps.get_models() if issubclass(model, ChoiceLabels)]


def choice_fields(model):
    return [field for field in model._meta.concrete_fields if field.choices]


def test_the_models_drawn_in_lists_keep_their_labels():
    names = {model._meta.label for model in MODELS}
    assert {"complaints.Complaint", "complaints.Remedy", "customers.FollowUp"} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_choice_and_a_stray_value_show_as_django_shows_them(model):
    for field in choice_fields(model):
        for value in [*(value for value, _label in field.flatchoices), "not-a-choice", None]:
            row = model(**{field.attname: value})
            shown = getattr(row, f"get_{field.name}_display")()
            assert shown == models.Model._get_FIELD_display(row, field)


def test_showing_a_label_translates_that_label_alone(monkeypatch):
    from complaints.models import Complaint, Severity

    translated = []
    gettext = translation._trans.gettext

    def counting(message):
        translated.append(message)
        return gettext(message)

    complaint = Complaint(status=Complaint.Status.CLOSED, severity=Severity.HIGH)
    # The first calls keep each field's labels.
    complaint.get_status_display()
    complaint.get_severity_display()
    closed, high = str(Complaint.Status.CLOSED.label), str(Severity.HIGH.label)
    monkeypatch.setattr(translation._trans, "gettext", counting)

    assert complaint.get_status_display() == closed
    assert complaint.get_severity_display() == high
    # Django's own rebuilds the dictionary and translates every label of both fields.
    assert len(translated) == 2
