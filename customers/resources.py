"""CSV import and export of customers and contacts (django-import-export), for the admin.

A file is imported whole or not at all: every row is checked first (the admin's preview is a
dry run in a rolled-back transaction), and a file with any bad row reports each bad row with its
line and reason and imports nothing. The confirmed import runs in one transaction that is rolled
back if a row fails after all. A file of more than settings.IMPORT_BACKGROUND_ROWS rows is
imported by a background job instead (crm/imports.py), with the same checks and line numbers.

Line numbers count the lines of the file with the header as line 1, so they match the row
numbers a spreadsheet shows.

Columns (a missing column leaves that field alone; a blank ``id`` creates a new record):

- customers: ``id, name, kind, status, account_owner, phone, email, address, preferred_channel,
  contact_days, contact_from, contact_until, do_not_contact, no_messages, interests, goals,
  keep_in_touch_days, became_customer_on, lost_on, lost_reason``. ``account_owner`` is a
  username; ``contact_days`` is a list of weekday names (``Mon, Wed`` or ``monday wednesday``);
  choices take their stored value or their label (``active`` or ``Active``); dates are
  ``YYYY-MM-DD``, times ``HH:MM``; yes/no columns take ``yes``/``no``, ``true``/``false`` or
  ``1``/``0``.
- contacts: ``id, customer, customer_name, name, role, email, phone, preferred_channel,
  is_primary, notes``. ``customer`` is the customer's id as exported, or else the customer's
  exact name (case and accents ignored) when exactly one customer has it: names are not
  unique, so a name shared by several customers is refused and the row must give the id.
  ``customer_name`` is written on export for people reading the file and ignored on import.
"""

import re
from datetime import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from import_export import fields, resources, results, widgets

from customers import services
from customers.models import CUSTOMER_RECORD_FIELDS, Channel, Contact, Customer, Weekday
from customers.text import normalise_phone, search_key

# The header is line 1 of the file, so data row n is line n + 1.
HEADER_LINES = 1


class FileLineResult(results.Result):
    """Number bad rows by their line in the file rather than by their place among the rows."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + HEADER_LINES, row, validation_error)

    def append_error_row(self, number, row, errors):
        for error in errors:
            if error.number is not None:
                error.number += HEADER_LINES
        super().append_error_row(number + HEADER_LINES, row, errors)


# --- Widgets: each refuses what it cannot read with a reason a person can act on ---------------


class ChoiceWidget(widgets.Widget):
    """A choice written as its stored value or its label, in any case."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        stored = self._table().get(text.casefold())
        if stored is not None:
            return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": text, "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""

    def _table(self) -> dict[str, str]:
        # Labels are translated, so each language gets its table, built once: translating
        # every label on every row was a large share of a big import's time.
        return _per_language(
            self,
            lambda: {
                key.casefold(): stored
                for stored, label in reversed(self.choices.choices)
                for key in (str(label), stored)
            },
        )


def _per_language(widget, build):
    tables = widget.__dict__.setdefault("_tables", {})
    language = get_language()
    if language not in tables:
        tables[language] = build()
    return tables[language]


class YesNoWidget(widgets.Widget):
    """A yes/no column; blank is no. Anything else is refused rather than read as no."""

    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class WeekdaysWidget(widgets.Widget):
    """Contact days written as weekday names (``Mon, Wed``); stored as ``"02"``."""

    ENGLISH = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    def clean(self, value, row=None, **kwargs):
        days = set()
        for word in re.split(r"[\s,;/]+", str(value or "").strip()):
            if word:
                days.add(self._day_number(word))
        return "".join(str(day) for day in sorted(days))

    def _day_number(self, word: str) -> int:
        number = _per_language(self, self._names).get(word.casefold().rstrip("."))
        if number is None:
            raise ValueError(_("“%(value)s” is not a day of the week.") % {"value": word})
        return number

    def _names(self) -> dict[str, int]:
        names = {}
        for number, name in reversed(list(enumerate(self.ENGLISH))):
            names.update(
                dict.fromkeys((str(Weekday(number).label).casefold(), name[:3], name), number)
            )
        return names

    def render(self, value, obj=None, **kwargs):
        return ", ".join(str(Weekday(int(day)).label) for day in value or "")


class IsoDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value).strip() if value else value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
            ) from None


class ClockTimeWidget(widgets.Widget):
    """A time of day written ``HH:MM`` (seconds allowed), written back as ``HH:MM``."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        if isinstance(value, time):
            return value
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a time of day; write it as HH:MM.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


class WholeNumberWidget(widgets.Widget):
    """A whole number (an id, a number of days), or blank for none."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class UsernameWidget(widgets.ForeignKeyWidget):
    """A person named by their username; only active people can own customers."""

    def __init__(self):
        super().__init__(get_user_model(), field="username")

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(is_active=True)

    def clean(self, value, row=None, **kwargs):
        username = str(value or "").strip()
        if not username:
            return None
        # A file names the same few people on thousands of rows. Each resource (one import, or
        # one pass of a background import) has its own copy of this widget, so the people
        # found are remembered for that import only.
        found = self.__dict__.setdefault("_found", {})
        if username not in found:
            found[username] = self.get_queryset(username, row).filter(username=username).first()
        if found[username] is None:
            raise ValueError(
                _("Nobody active has the username “%(username)s”.") % {"username": username}
            )
        return found[username]


class CustomerWidget(widgets.ForeignKeyWidget):
    """A customer named by id (digits) or by exact name when only one customer has it."""

    def __init__(self):
        super().__init__(Customer)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("Say which customer: their id or their name."))
        if text.isdigit():
            found = Customer.objects.filter(pk=int(text)).first()
            if found is None:
                raise ValueError(_("No customer has the id %(id)s.") % {"id": text})
            return found
        matches = list(Customer.objects.filter(search_name=search_key(text))[:2])
        if not matches:
            raise ValueError(_("No customer is called “%(name)s”.") % {"name": text})
        if len(matches) > 1:
            raise ValueError(
                _("More than one customer is called “%(name)s”; give the customer's id.")
                % {"name": text}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return str(value.pk) if value is not None else ""


# --- Resources -----------------------------------------------------------------------------------


class AllOrNothingResource(resources.ModelResource):
    """A resource whose import saves every row or none of them."""

    def get_result_class(self):
        return FileLineResult

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # import-export keeps the good rows of a file with invalid ones unless told otherwise.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset, **kwargs):
        # A file written by hand may leave out the id column: every row is then a new record.
        if "id" not in (dataset.headers or []):
            dataset.insert_col(0, [""] * dataset.height, header="id")

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        identifier = str(row.get("id") or "").strip()
        if identifier and instance is None:
            # Creating a record under an id the file made up would collide with the sequence.
            model = self._meta.model._meta.verbose_name
            raise ValidationError(
                {"id": _("No %(model)s has the id %(id)s.") % {"model": model, "id": identifier}}
            )
        return instance

    # Model constraints that extra_errors() states in Python. Django checks a constraint with a
    # query per row, which was most of the time of a 50,000-row import; the database still
    # enforces them when the rows are saved.
    constraints_checked_in_python: frozenset[str] = frozenset()
    # Foreign keys whose widget has just read the related row, so the model need not look it
    # up again to validate it.
    foreign_keys_read_by_widget: frozenset[str] = frozenset()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for field, message in self.extra_errors(instance, exclude=errors.keys()):
            errors.setdefault(field, []).append(message)
        try:
            instance.full_clean(
                exclude={*errors, *self.foreign_keys_read_by_widget},
                validate_unique=validate_unique,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        model = type(instance)
        for constraint in model._meta.constraints:
            if constraint.name in self.constraints_checked_in_python:
                continue
            try:
                constraint.validate(model, instance, exclude=set(errors))
            except ValidationError as error:
                # As Model.validate_constraints() files them.
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_batch(self, rows, *, actor) -> None:
        """Save checked rows, (instance, is_new) pairs, for a background import."""
        for instance, new in rows:
            self.do_instance_save(instance, new)

    def extra_errors(self, instance, *, exclude):
        """Yield (field, message) for rules the model's own validation does not state."""
        if "phone" not in exclude and instance.phone and normalise_phone(instance.phone) is None:
            yield "phone", _("“%(phone)s” is not a phone number.") % {"phone": instance.phone}


class CustomerResource(AllOrNothingResource):
    """Customers, one a row; rows with an id update that customer, the others are created."""

    id = fields.Field(attribute="id", column_name="id", widget=WholeNumberWidget())
    name = fields.Field(attribute="name", column_name="name", widget=widgets.CharWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(Customer.Kind))
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Customer.Status)
    )
    account_owner = fields.Field(
        attribute="account_owner", column_name="account_owner", widget=UsernameWidget()
    )
    phone = fields.Field(attribute="phone", column_name="phone", widget=widgets.CharWidget())
    email = fields.Field(attribute="email", column_name="email", widget=widgets.CharWidget())
    address = fields.Field(attribute="address", column_name="address", widget=widgets.CharWidget())
    preferred_channel = fields.Field(
        attribute="preferred_channel",
        column_name="preferred_channel",
        widget=ChoiceWidget(Channel),
    )
    contact_days = fields.Field(
        attribute="contact_days", column_name="contact_days", widget=WeekdaysWidget()
    )
    contact_from = fields.Field(
        attribute="contact_from", column_name="contact_from", widget=ClockTimeWidget()
    )
    contact_until = fields.Field(
        attribute="contact_until", column_name="contact_until", widget=ClockTimeWidget()
    )
    do_not_contact = fields.Field(
        attribute="do_not_contact", column_name="do_not_contact", widget=YesNoWidget()
    )
    no_messages = fields.Field(
        attribute="no_messages", column_name="no_messages", widget=YesNoWidget()
    )
    interests = fields.Field(
        attribute="interests", column_name="interests", widget=widgets.CharWidget()
    )
    goals = fields.Field(attribute="goals", column_name="goals", widget=widgets.CharWidget())
    keep_in_touch_days = fields.Field(
        attribute="keep_in_touch_days",
        column_name="keep_in_touch_days",
        widget=WholeNumberWidget(),
    )
    became_customer_on = fields.Field(
        attribute="became_customer_on", column_name="became_customer_on", widget=IsoDateWidget()
    )
    lost_on = fields.Field(attribute="lost_on", column_name="lost_on", widget=IsoDateWidget())
    lost_reason = fields.Field(
        attribute="lost_reason",
        column_name="lost_reason",
        widget=ChoiceWidget(Customer.LostReason),
    )

    class Meta:
        model = Customer
        fields = ["id", *CUSTOMER_RECORD_FIELDS]
        import_id_fields = ["id"]
        clean_model_instances = True
        # Rows go through Customer.save() (via the services), which fills the normalised
        # phone and search name; bulk inserts would skip it.
        use_bulk = False

    def get_queryset(self):
        return Customer.objects.select_related("account_owner")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The services check the importer's permissions and keep the edit version current.
        self.actor = kwargs.get("user")
        if self.actor is None:
            raise ValueError("Importing customers needs the importing user (user=...).")

    constraints_checked_in_python = frozenset(
        {"customer_contact_window_ends_after_start", "customer_keep_in_touch_positive"}
    )
    foreign_keys_read_by_widget = frozenset({"account_owner"})

    def extra_errors(self, instance, *, exclude):
        yield from super().extra_errors(instance, exclude=exclude)
        starts, ends = instance.contact_from, instance.contact_until
        if starts and ends and ends <= starts and "contact_until" not in exclude:
            yield "contact_until", _("The contact window must end after it starts.")
        days = instance.keep_in_touch_days
        if days is not None and days < 1 and "keep_in_touch_days" not in exclude:
            yield "keep_in_touch_days", _("Keep in touch at least every day, or leave it blank.")

    def save_batch(self, rows, *, actor) -> None:
        services.import_customers(
            actor=actor,
            new=[instance for instance, new in rows if new],
            changed=[instance for instance, new in rows if not new],
        )

    def do_instance_save(self, instance, is_create):
        if is_create:
            services.create_customer(actor=self.actor, customer=instance)
        else:
            # The version just read is the one expected: a web form opened before the import
            # then sees a newer version and refuses to overwrite the imported values.
            services.update_customer(
                actor=self.actor, customer=instance, expected_version=instance.version
            )


class ContactResource(AllOrNothingResource):
    """Contacts at customers, one a row; see the module docstring for the customer column."""

    id = fields.Field(attribute="id", column_name="id", widget=WholeNumberWidget())
    customer = fields.Field(attribute="customer", column_name="customer", widget=CustomerWidget())
    customer_name = fields.Field(
        attribute="customer__name", column_name="customer_name", readonly=True
    )
    name = fields.Field(attribute="name", column_name="name", widget=widgets.CharWidget())
    role = fields.Field(attribute="role", column_name="role", widget=widgets.CharWidget())
    email = fields.Field(attribute="email", column_name="email", widget=widgets.CharWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=widgets.CharWidget())
    preferred_channel = fields.Field(
        attribute="preferred_channel",
        column_name="preferred_channel",
        widget=ChoiceWidget(Channel),
    )
    is_primary = fields.Field(
        attribute="is_primary", column_name="is_primary", widget=YesNoWidget()
    )
    notes = fields.Field(attribute="notes", column_name="notes", widget=widgets.CharWidget())

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "customer_name",
            "name",
            "role",
            "email",
            "phone",
            "preferred_channel",
            "is_primary",
            "notes",
        ]
        import_id_fields = ["id"]
        clean_model_instances = True
        # Contact.save() fills the normalised phone and search name; bulk inserts would not.
        use_bulk = False

    def get_queryset(self):
        return Contact.objects.select_related("customer")

    def extra_errors(self, instance, *, exclude):
        yield from super().extra_errors(instance, exclude=exclude)
        if instance.is_primary and instance.customer_id and "customer" not in exclude:
            others = Contact.objects.filter(customer_id=instance.customer_id, is_primary=True)
            if others.exclude(pk=instance.pk).exists():
                yield (
                    "is_primary",
                    _("%(customer)s already has a primary contact.")
                    % {"customer": instance.customer},
                )
