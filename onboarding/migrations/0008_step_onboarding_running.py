"""Steps remember whether their onboarding still runs, and My day's index keeps only those.

The steps left open on onboardings that completed or were cancelled before this migration are
marked in one UPDATE, before the index is built, so it never holds them.
"""

from django.conf import settings
from django.db import migrations, models


def stop_steps_of_ended_onboardings(apps, schema_editor):
    step_model = apps.get_model("onboarding", "OnboardingStep")
    step_model.objects.exclude(onboarding__status="active").update(onboarding_running=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("onboarding", "0007_drilldown_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="onboardingstep",
            name="onboarding_step_open_idx",
        ),
        migrations.AddField(
            model_name="onboardingstep",
            name="onboarding_running",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(stop_steps_of_ended_onboardings, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="onboardingstep",
            index=models.Index(
                condition=models.Q(("done_at__isnull", True), ("onboarding_running", True)),
                fields=["assignee", "due_at"],
                name="onboarding_step_open_idx",
            ),
        ),
    ]
