"""An apology is the only free remedy; "other" with an amount is counted against a money limit.

0003 shipped "apology" and "other" with unlimited authority for every role, so a front-line
"other" of any amount was approved on the spot. From now on an apology never carries an amount
(a constraint in the next migration says so) and "other" is limited like money: front-line
staff 25 (below their 50 refund), supervisors 500 (as every other money kind). Owners keep
unlimited rows. A limit an owner already changed is left as they set it.

Before the constraint can apply, apology remedies (and apologies asked for) that carry an amount
become "other": the money stays visible and is counted from now on. Each converted remedy is
noted on its complaint's timeline, because its approval was given before the amount counted.

Values are written out, not imported: a migration keeps doing what it did when it was written.
"""

from decimal import Decimal

from django.db import migrations

OTHER_LIMITS = {"Front-line staff": Decimal(25), "Supervisors": Decimal(500)}
NOTE = (
    "Remedy %(remedy)s changed from apology to other: an apology carries no amount. "
    "It was approved before the amount counted against anyone's authority; check it."
)


def limit_other_and_convert_apologies(apps, schema_editor):
    authority_limit = apps.get_model("complaints", "AuthorityLimit")
    remedy_model = apps.get_model("complaints", "Remedy")
    complaint_model = apps.get_model("complaints", "Complaint")
    update_model = apps.get_model("complaints", "ComplaintUpdate")

    for group_name, limit in OTHER_LIMITS.items():
        # Only the shipped unlimited row: a figure an owner chose stays.
        authority_limit.objects.filter(
            group__name=group_name, remedy_kind="other", max_amount__isnull=True
        ).update(max_amount=limit)

    priced_apologies = remedy_model.objects.filter(kind="apology", amount__isnull=False)
    update_model.objects.bulk_create(
        update_model(
            complaint_id=complaint_id,
            kind="remedy",
            text=NOTE % {"remedy": f"#{pk} ({amount})"},
        )
        for pk, complaint_id, amount in priced_apologies.values_list(
            "pk", "complaint_id", "amount"
        ).iterator()
    )
    priced_apologies.update(kind="other")
    complaint_model.objects.filter(asked_remedy_kind="apology", asked_amount__isnull=False).update(
        asked_remedy_kind="other"
    )


def unlimit_other(apps, schema_editor):
    # The converted remedies stay "other": their amount is real money either way.
    authority_limit = apps.get_model("complaints", "AuthorityLimit")
    for group_name, limit in OTHER_LIMITS.items():
        authority_limit.objects.filter(
            group__name=group_name, remedy_kind="other", max_amount=limit
        ).update(max_amount=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_defaults")]

    operations = [migrations.RunPython(limit_other_and_convert_apologies, unlimit_other)]
