from django.db import migrations

from crm.roles import ROLE_PERMISSIONS, sync_roles


def create_role_groups(apps, schema_editor):
    # Permissions appear only after migrate ends (post_migrate), when CrmConfig syncs them in;
    # here the groups get whatever already exists, which on a fresh database is nothing.
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
