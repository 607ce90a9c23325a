"""Choice labels looked up, not rebuilt: a faster get_FOO_display() for rows drawn in lists.

Django's get_FOO_display() builds a dictionary of the field's choices on every call, hashing
each lazy label on the way, and hashing a lazy label translates it: a complaint row's severity
and status cost ten translations to show two words. A list of 25 complaints made some 370
translations a request. This mixin keeps one dictionary per field, its labels still lazy (so a
label follows the language of the request that shows it), and translates only the one label
shown.

A core module: it imports no app.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# {field: {stored value: lazy label}}, built on first use; fields live as long as the process.
_labels_of_field: dict = {}


def _labels(field) -> dict:
    labels = _labels_of_field.get(field)
    if labels is None:
        labels = _labels_of_field[field] = dict(make_hashable(field.flatchoices))
    return labels


class ChoiceLabels:
    """Mixed into a model before models.Model: its get_FOO_display() reads a kept dictionary."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        # A value outside the choices shows as itself, as in Django.
        label = _labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)
