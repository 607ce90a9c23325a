from django.db import migrations, models
from django.db.models import F


def date_past_check_ins(apps, schema_editor):
    """Date the check-ins recorded before this migration where the record tells when.

    A satisfied check-in closed the complaint, so it happened at ``satisfied_at``; an unhappy
    one reopened it and left no time behind, so it stays undated (out of the reports).
    """
    complaint_model = apps.get_model("complaints", "Complaint")
    complaint_model.objects.filter(
        outcome_satisfied=True, satisfied_at__isnull=False, checked_in_at__isnull=True
    ).update(checked_in_at=F("satisfied_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0016_report_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="checked_in_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="checked in"
            ),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="checked_in_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="checked in"
            ),
        ),
        migrations.RunPython(date_past_check_ins, migrations.RunPython.noop, elidable=True),
    ]
