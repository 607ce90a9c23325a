"""The teams that onboarding work moves between, and one realistic checklist to start from.

"Sales" and "Support" route work: a step names the team that does it, and a handoff goes to a
person of the next step's team. They carry no permissions; what a person may do comes from their
role group (Front-line staff, Supervisors, Owners). The checklist references only these two
teams, never a role group: reversing crm's 0002 deletes the role groups, and a step's group is
protected from deletion.

The values are written out here rather than imported, so that the migration keeps doing what it
did when it was written. Everything goes in with get_or_create: a database that already has the
template (perhaps edited by an owner) keeps it as it is.
"""

from django.db import migrations

SALES = "Sales"
SUPPORT = "Support"

TEMPLATE_NAME = "New customer"
TEMPLATE_DESCRIPTION = (
    "How we welcome every new customer: Sales confirms what was agreed and gets to know them, "
    "then hands them to Support, who check in after the first month."
)

# (title, team, due after N business days from the start, instructions, flags)
STEPS = [
    (
        "Confirm the order in writing",
        SALES,
        1,
        "Email the customer what they ordered, the price, how often we deliver and the first "
        "delivery date. Ask them to reply to confirm, and note anything they change.",
        {},
    ),
    (
        "Explain the fulfilment process and timeline",
        SALES,
        2,
        "Walk them through what happens next: when we roast, when we pack, when the courier "
        "comes, and who to call if something is late. Tell them the first delivery date again.",
        {},
    ),
    (
        "Welcome call: capture their preferences",
        SALES,
        3,
        "Call to welcome them and listen. Record how they like to be contacted, the days and "
        "hours that suit them, and what interests them (blends, equipment, training). These "
        "are saved on the customer record, so everyone after you can use them.",
        {"captures_preferences": True},
    ),
    (
        "Kickoff",
        SALES,
        5,
        "Agree the delivery day and who receives it, check the equipment and grind settings, "
        "and set expectations for the first weeks. Write down anything you promised.",
        {},
    ),
    (
        "First delivery check",
        SALES,
        10,
        "After the first delivery, ask whether everything arrived on time and in good shape, "
        "and how the coffee went down. Sort out any problem before handing over.",
        {},
    ),
    (
        "Handoff to support",
        SALES,
        12,
        "Hand the customer to a person in Support. In the note, say what was promised to the "
        "customer and what they expect next. You stay responsible until they accept.",
        {"is_handoff_point": True},
    ),
    (
        "30-day check-in",
        SUPPORT,
        30,
        "Call a month in: is the coffee right, do deliveries fit their routine, is anything "
        "missing? Agree how often we keep in touch from here.",
        {},
    ),
]


def create_defaults(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    template_model = apps.get_model("onboarding", "ChecklistTemplate")
    step_model = apps.get_model("onboarding", "TemplateStep")

    teams = {name: group_model.objects.get_or_create(name=name)[0] for name in (SALES, SUPPORT)}
    template, created = template_model.objects.get_or_create(
        name=TEMPLATE_NAME, defaults={"description": TEMPLATE_DESCRIPTION}
    )
    if not created and template.steps.exists():
        # An owner may have reworked the steps since: theirs stand.
        return
    for position, (title, team, due_after_days, instructions, flags) in enumerate(STEPS, 1):
        step_model.objects.get_or_create(
            template=template,
            position=position,
            defaults={
                "title": title,
                "group": teams[team],
                "due_after_days": due_after_days,
                "instructions": instructions,
                **flags,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0001_initial"),
        ("crm", "0002_role_groups"),
    ]

    # Reversing leaves the teams and the template: owners may have used and edited them, and
    # they hang on no role group, so crm's reversal can delete those.
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
