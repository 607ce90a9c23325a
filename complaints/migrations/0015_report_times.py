from django.db import migrations, models

from crm.migration_calendar import BATCH, calendar_from


def fill_resolution_minutes(apps, schema_editor):
    """Give every resolved complaint its time to resolve, as resolve() now records it.

    Customer updates logged before this migration keep ``on_time`` empty: whether each came
    in time cannot be told afterwards (the deadline it met was overwritten by the next one).
    """
    complaint_model = apps.get_model("complaints", "Complaint")
    calendar = calendar_from(apps)
    resolved = complaint_model.objects.filter(resolved_at__isnull=False).only(
        "pk", "received_at", "resolved_at", "paused_minutes"
    )
    batch = []
    for complaint in resolved.iterator(chunk_size=BATCH):
        spent = calendar.business_minutes_between(complaint.received_at, complaint.resolved_at)
        complaint.resolution_minutes = max(spent - complaint.paused_minutes, 0)
        batch.append(complaint)
        if len(batch) == BATCH:
            complaint_model.objects.bulk_update(batch, ["resolution_minutes"])
            batch = []
    complaint_model.objects.bulk_update(batch, ["resolution_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0010_notice_inbox"),
        ("complaints", "0014_expected_by_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="resolution_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="time to resolve (business minutes)",
            ),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="resolution_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="time to resolve (business minutes)",
            ),
        ),
        migrations.AddField(
            model_name="complaintupdate",
            name="on_time",
            field=models.BooleanField(editable=False, null=True, verbose_name="on time"),
        ),
        migrations.RunPython(fill_resolution_minutes, migrations.RunPython.noop, elidable=True),
    ]
