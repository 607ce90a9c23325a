"""Every model people edit keeps its history, and the people named in it cannot be deleted."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import Category
from customers import services
from customers.models import Contact, Interaction
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, UserFactory

PROJECT_APPS = ["crm", "customers", "complaints", "onboarding"]

# Models that keep no history, each with why. A new model is historied unless it is added here.
EXEMPT = {
    "crm.WorkerHeartbeat": "bookkeeping written by the workers, never by people",
    "customers.DigestLog": "bookkeeping written by the digest task to send each digest once",
    "crm.WeeklyReportLog": "bookkeeping written by the weekly report task to send each week once",
    "crm.Notice": "the outbox's own record of what was sent: written by crm.notices, read-only",
    "customers.CustomerMessage": (
        "the outbox's own record of what a customer was sent: written by customers.messaging"
    ),
    "crm.PasswordResetRequest": "a throttle counter, kept only for the throttling window",
    "crm.ImportJob": "a background import's progress, written by the import worker only",
    "customers.FollowUpReschedule": (
        "a write-once audit row: written by the reschedule service, never edited or deleted"
    ),
    "customers.InboundMessage": (
        "a write-once record of an email received: written by customers/inbound.py only"
    ),
    "customers.InboundAttachment": "a write-once file of an email received, kept or refused",
    "complaints.ComplaintUpdate": (
        "a write-once timeline row: written by the services, never edited or deleted"
    ),
}


def is_historical(model) -> bool:
    """Tell whether the model is one of django-simple-history's history tables."""
    return hasattr(model, "instance_type")


def is_historied(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def project_models() -> list:
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_historical(model)
    ]


def test_every_model_of_the_project_keeps_history_or_is_declared_exempt():
    missing = [
        model._meta.label
        for model in project_models()
        if not is_historied(model) and model._meta.label not in EXEMPT
    ]

    assert not missing, (
        f"{missing} keep no history: add `history = HistoricalRecords()` to the model, or list "
        "it in EXEMPT in tests/crm/test_history.py with the reason it needs none."
    )


def test_the_exempt_list_names_only_models_that_exist_and_keep_no_history():
    models = {model._meta.label: model for model in project_models()}

    assert set(EXEMPT) <= set(models)
    assert not [label for label in EXEMPT if is_historied(models[label])]


def test_every_historied_model_in_the_admin_shows_its_history():
    without = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
        and is_historied(model)
        and not isinstance(model_admin, SimpleHistoryAdmin)
    ]

    assert not without, f"{without}: use SimpleHistoryAdmin so owners can read the history."


# --- History rows are written, with who did it -----------------------------------------------


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.django_db
def test_logging_a_contact_through_the_service_records_it_with_the_actor(staff):
    interaction, _callback = services.log_interaction(
        actor=staff, customer=CustomerFactory(), summary="Asked for the spring catalogue"
    )

    [record] = interaction.history.all()
    assert record.history_type == "+"
    assert record.history_user == staff
    assert record.summary == "Asked for the spring catalogue"


@pytest.mark.django_db
def test_logging_a_contact_on_the_customer_page_records_the_signed_in_person(staff_client, staff):
    customer = CustomerFactory()

    staff_client.post(
        f"/customers/{customer.pk}/log/",
        {"channel": "phone", "direction": "inbound", "summary": "Wants a quote"},
    )

    record = Interaction.history.get(customer_id=customer.pk)
    assert record.history_user == staff


@pytest.mark.django_db
def test_editing_a_contact_in_the_admin_records_the_change_and_the_owner(owner_client, owner):
    contact = ContactFactory(name="Zoë Müller", role="Manager")

    response = owner_client.post(
        f"/admin/customers/contact/{contact.pk}/change/",
        {
            "customer": contact.customer_id,
            "name": "Zoë Müller",
            "role": "Owner",
            "email": contact.email,
            "phone": "",
            "preferred_channel": "",
            "notes": "",
        },
    )

    assert response.status_code == 302
    latest = Contact.objects.get(pk=contact.pk).history.latest()
    assert latest.history_type == "~"
    assert latest.role == "Owner"
    assert latest.history_user == owner
    history_page = owner_client.get(f"/admin/customers/contact/{contact.pk}/history/")
    assert history_page.status_code == 200


@pytest.mark.django_db
def test_correcting_an_interaction_in_the_admin_records_the_change_and_the_owner(
    owner_client, owner
):
    interaction = InteractionFactory(summary="Asked for a refnud")

    response = owner_client.post(
        f"/admin/customers/interaction/{interaction.pk}/change/",
        {
            "customer": interaction.customer_id,
            "contact": "",
            "staff": interaction.staff_id,
            "channel": "phone",
            "direction": "inbound",
            "occurred_at_0": interaction.occurred_at.strftime("%Y-%m-%d"),
            "occurred_at_1": interaction.occurred_at.strftime("%H:%M:%S"),
            "summary": "Asked for a refund",
            "what_we_heard": "",
        },
    )

    assert response.status_code == 302
    latest = Interaction.objects.get(pk=interaction.pk).history.latest()
    assert (latest.summary, latest.history_user) == ("Asked for a refund", owner)
    history_page = owner_client.get(f"/admin/customers/interaction/{interaction.pk}/history/")
    assert history_page.status_code == 200


@pytest.mark.django_db
def test_an_owner_tuning_a_category_in_the_admin_leaves_a_history(owner_client, owner):
    category = Category.objects.create(name="Billing mistakes")

    owner_client.post(
        f"/admin/complaints/category/{category.pk}/change/",
        {"name": "Billing errors", "parent": "", "is_active": "on"},
    )

    assert category.history.latest().name == "Billing errors"
    assert category.history.latest().history_user == owner


# --- People named in the history are deactivated, never deleted -----------------------------


@pytest.mark.django_db
def test_a_person_who_logged_contacts_cannot_be_deleted(owner_client):
    person = InteractionFactory().staff

    page = owner_client.get(f"/admin/auth/user/{person.pk}/delete/")
    posted = owner_client.post(f"/admin/auth/user/{person.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200 and "protected related objects" in page.text
    assert "untick “Active”" in page.text
    assert posted.status_code == 200
    assert get_user_model().objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_a_person_named_only_as_the_author_of_changes_cannot_be_deleted(owner_client):
    # given someone whose only trace is an edit recorded in the history
    editor = UserFactory()
    contact = ContactFactory()
    contact._history_user = editor
    contact.role = "Owner"
    contact.save()

    page = owner_client.get(f"/admin/auth/user/{editor.pk}/delete/")
    bulk = owner_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [editor.pk], "post": "yes"},
    )

    assert "1 recorded changes to contacts" in page.text
    assert bulk.status_code == 200 and "protected related objects" in bulk.text
    assert get_user_model().objects.filter(pk=editor.pk).exists()


@pytest.mark.django_db
def test_a_person_who_did_nothing_yet_can_be_deleted(owner_client):
    newcomer = UserFactory()

    response = owner_client.post(f"/admin/auth/user/{newcomer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=newcomer.pk).exists()
