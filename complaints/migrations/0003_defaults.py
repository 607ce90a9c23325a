"""Sensible starting values an owner adjusts in the admin: SLA targets, authority, categories.

The values are written out here rather than imported: a migration must keep doing what it did
when it was written, whatever the app's code says later. Every row goes in with get_or_create,
so a database that already has some of them (or has edited them) keeps what it has.
"""

from decimal import Decimal

from django.db import migrations

# severity: (first response, update the customer every, resolve within), in business minutes.
SLA_TARGETS = {
    "critical": (30, 120, 480),
    "high": (60, 240, 1440),
    "normal": (240, 480, 2400),
    "low": (480, 960, 4800),
}

MONEY_KINDS = ["refund", "replacement", "repair", "store_credit", "discount", "gift"]
# An apology or a gesture without a price is always within anyone's authority.
FREE_KINDS = ["apology", "other"]
UNLIMITED = None

# group: {remedy kind: largest amount granted alone}. A kind missing for a group means no
# authority at all: every such remedy goes to someone above for approval.
AUTHORITY = {
    "Front-line staff": {
        "refund": Decimal(50),
        "store_credit": Decimal(100),
        **dict.fromkeys(FREE_KINDS, UNLIMITED),
    },
    "Supervisors": {
        **dict.fromkeys(MONEY_KINDS, Decimal(500)),
        **dict.fromkeys(FREE_KINDS, UNLIMITED),
    },
    "Owners": dict.fromkeys(MONEY_KINDS + FREE_KINDS, UNLIMITED),
}

CATEGORIES = {
    "Delivery": ["Late", "Damaged", "Wrong item"],
    "Product": ["Faulty", "Not as described"],
    "Service": ["Staff attitude", "No call back", "Waiting time"],
    "Billing": ["Overcharged", "Refund not received"],
}

ROOT_CAUSES = {
    "Courier delay": "The carrier delivered late or lost the parcel.",
    "Packing": "Packed so that it broke, leaked or went stale on the way.",
    "Stock error": "We sold or sent something we did not have as recorded.",
    "Training": "Someone did not know how to do it right.",
    "Process gap": "No step of ours covered the case.",
    "Communication": "The customer was not told, or told something wrong.",
    "Supplier fault": "A supplier's product or delivery failed.",
    "Customer misunderstanding": "We did what was agreed; the customer expected otherwise.",
}


def create_defaults(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    sla_target = apps.get_model("complaints", "SLATarget")
    authority_limit = apps.get_model("complaints", "AuthorityLimit")
    category = apps.get_model("complaints", "Category")
    root_cause = apps.get_model("complaints", "RootCause")

    for severity, (first_response, update_interval, resolution) in SLA_TARGETS.items():
        sla_target.objects.get_or_create(
            severity=severity,
            defaults={
                "first_response_minutes": first_response,
                "update_interval_minutes": update_interval,
                "resolution_minutes": resolution,
            },
        )
    for group_name, limits in AUTHORITY.items():
        # crm's 0002 creates the groups; an owner may have deleted one since.
        group, _created = group_model.objects.get_or_create(name=group_name)
        for remedy_kind, max_amount in limits.items():
            authority_limit.objects.get_or_create(
                group=group, remedy_kind=remedy_kind, defaults={"max_amount": max_amount}
            )
    for parent_name, children in CATEGORIES.items():
        parent, _created = category.objects.get_or_create(name=parent_name, parent=None)
        for child_name in children:
            category.objects.get_or_create(name=child_name, parent=parent)
    for name, description in ROOT_CAUSES.items():
        root_cause.objects.get_or_create(name=name, defaults={"description": description})


def remove_group_limits(apps, schema_editor):
    # The role groups' limits hang on groups that reversing crm's 0002 deletes next; the other
    # rows stay: by then owners may have tuned them, and 0001's reversal drops the tables.
    authority_limit = apps.get_model("complaints", "AuthorityLimit")
    authority_limit.objects.filter(group__name__in=AUTHORITY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_intake_and_permissions"),
        ("crm", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_group_limits)]
