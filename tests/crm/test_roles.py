import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crm import roles


def group_codenames(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_migrations_create_the_three_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Front-line staff", "Supervisors", "Owners"} <= names


@pytest.mark.django_db
def test_owners_may_manage_people_and_tend_settings_but_staff_may_not():
    owners = group_codenames(roles.OWNERS)
    staff = group_codenames(roles.FRONT_LINE_STAFF)
    assert {"auth.change_user", "auth.add_user", "crm.view_workerheartbeat"} <= owners
    assert not any(name.startswith(("auth.", "crm.")) for name in staff)


@pytest.mark.django_db
def test_supervisors_hold_everything_front_line_staff_hold():
    assert group_codenames(roles.FRONT_LINE_STAFF) <= group_codenames(roles.SUPERVISORS)
    assert "auth.view_user" in group_codenames(roles.SUPERVISORS)


@pytest.mark.django_db
def test_sync_only_adds_and_keeps_what_an_owner_granted():
    # given: an owner gave supervisors an extra permission in the admin
    extra = Permission.objects.get(codename="delete_group")
    Group.objects.get(name=roles.SUPERVISORS).permissions.add(extra)
    before = group_codenames(roles.SUPERVISORS)
    # when
    roles.sync_roles(Group, Permission)
    # then
    assert group_codenames(roles.SUPERVISORS) == before


def test_patterns_match_app_label_and_codename_with_wildcards():
    assert roles.permission_matches(["customers.view_*"], "customers", "view_customer")
    assert not roles.permission_matches(["customers.view_*"], "complaints", "view_complaint")
    assert not roles.permission_matches(["customers.view_*"], "customers", "delete_customer")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_groups_migration_creates_the_groups_and_its_reversal_removes_them():
    executor = MigrationExecutor(connection)
    executor.migrate([("crm", "0001_initial")])
    assert not Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_PERMISSIONS)
