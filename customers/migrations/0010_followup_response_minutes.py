from django.db import migrations, models

from crm.migration_calendar import BATCH, calendar_from


def fill_response_minutes(apps, schema_editor):
    """Give every kept callback its response time, as mark_done now records it."""
    follow_up_model = apps.get_model("customers", "FollowUp")
    calendar = calendar_from(apps)
    kept = follow_up_model.objects.filter(kind="callback", status="done").only(
        "pk", "created_at", "completed_at"
    )
    batch = []
    for follow_up in kept.iterator(chunk_size=BATCH):
        follow_up.response_minutes = calendar.business_minutes_between(
            follow_up.created_at, follow_up.completed_at
        )
        batch.append(follow_up)
        if len(batch) == BATCH:
            follow_up_model.objects.bulk_update(batch, ["response_minutes"])
            batch = []
    follow_up_model.objects.bulk_update(batch, ["response_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0010_notice_inbox"),
        ("customers", "0009_postgres_trigram_followup_subject"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="response_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="response time (business minutes)",
            ),
        ),
        migrations.AddField(
            model_name="historicalfollowup",
            name="response_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="response time (business minutes)",
            ),
        ),
        migrations.RunPython(fill_response_minutes, migrations.RunPython.noop, elidable=True),
    ]
