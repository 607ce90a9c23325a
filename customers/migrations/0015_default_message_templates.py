"""The messages customers receive until an owner rewrites them, and the sender's name.

The texts are written here, not imported: a migration keeps the words it shipped with.
"""

from django.db import migrations

EMAIL = {
    "complaint_logged": (
        "We have your complaint {reference}",
        "Dear {customer_name},\n\n"
        "Thank you for telling us. Your complaint is logged as {reference}.\n\n"
        "What we heard: {what_we_heard}\n\n"
        "{owner_name} is looking after it, and you will hear from us by {next_contact}.\n\n"
        # True with or without REPLY_ADDRESS: without it a reply reaches DEFAULT_FROM_EMAIL.
        "To tell us more, just reply to this message.\n\n"
        "{signature}",
    ),
    "promise_set": (
        "{reference}: we will have an answer by {promised_by}",
        "Dear {customer_name},\n\n"
        "About your complaint {reference}: {owner_name} has promised you an answer by "
        "{promised_by}.\n\n{signature}",
    ),
    "promise_moved": (
        "{reference}: your answer now comes by {promised_by}",
        "Dear {customer_name},\n\n"
        "About your complaint {reference}: we need more time, and we are sorry. "
        "You will now have our answer by {promised_by}.\n\n"
        "Why: {reason}\n\n{owner_name}\n{signature}",
    ),
    "remedy_granted": (
        "{reference}: what we have done",
        "Dear {customer_name},\n\n"
        "About your complaint {reference}, this is done for you: {remedy}.\n\n"
        "{owner_name}\n{signature}",
    ),
    "resolved": (
        "{reference} is resolved",
        "Dear {customer_name},\n\n"
        "We have resolved your complaint {reference}. What we did: {remedy}.\n\n"
        "If anything is still not right, just reply to this message.\n\n{signature}",
    ),
    "check_in_survey": (
        "{reference}: did our fix hold?",
        "Dear {customer_name},\n\n"
        "A little while ago we resolved your complaint {reference}. Are you satisfied with how "
        "it turned out? Two taps tell us:\n\n{survey_link}\n\n"
        "The link works for 30 days.\n\n{signature}",
    ),
    "callback_booked": (
        "We will call you back by {callback_at}",
        "Dear {customer_name},\n\n"
        "Thank you for getting in touch. {owner_name} will call you back by {callback_at}.\n\n"
        "{signature}",
    ),
}

SMS = {
    "complaint_logged": "{sender_name}: your complaint is {reference}. {owner_name} has it; "
    "you will hear from us by {next_contact}.",
    "promise_set": "{sender_name}: about {reference}, you will have an answer by {promised_by}.",
    "promise_moved": "{sender_name}: about {reference}, your answer now comes by {promised_by}. "
    "Sorry: {reason}",
    "remedy_granted": "{sender_name}: about {reference}, done for you: {remedy}.",
    "resolved": "{sender_name}: your complaint {reference} is resolved. Not right? Reply to us.",
    "check_in_survey": "{sender_name}: did our fix for {reference} hold? Tell us: {survey_link}",
    "callback_booked": "{sender_name}: {owner_name} will call you back by {callback_at}.",
}


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("customers", "MessageTemplate")
    MessagingSettings = apps.get_model("customers", "MessagingSettings")
    have = set(MessageTemplate.objects.values_list("event", "channel"))
    templates = [
        MessageTemplate(event=event, channel="email", subject=subject, body=body)
        for event, (subject, body) in EMAIL.items()
        if (event, "email") not in have
    ] + [
        MessageTemplate(event=event, channel="sms", subject="", body=body)
        for event, body in SMS.items()
        if (event, "sms") not in have
    ]
    MessageTemplate.objects.bulk_create(templates)
    if not MessagingSettings.objects.exists():
        MessagingSettings.objects.create(
            sender_name="Customer care", signature="Kind regards,\nThe customer care team"
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_customer_messages")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
