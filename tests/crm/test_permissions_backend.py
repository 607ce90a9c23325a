"""A person's permissions, their own and their groups', are read in one query
(crm/permissions_backend.py), and are the ones Django's ModelBackend reads in two."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


@pytest.fixture
def person():
    person = UserFactory()
    person.user_permissions.add(permission("view_customer"))
    group = Group.objects.create(name="Front desk")
    group.permissions.add(permission("add_complaint"), permission("view_customer"))
    person.groups.add(group)
    Group.objects.create(name="Elsewhere").permissions.add(permission("delete_customer"))
    return person


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_a_persons_own_and_group_permissions_take_one_query(person, django_assert_num_queries):
    person = fresh(person)
    with django_assert_num_queries(1):
        assert person.has_perm("customers.view_customer")
        assert person.has_perm("complaints.add_complaint")
        assert not person.has_perm("customers.delete_customer")
    assert person.get_all_permissions() == ModelBackend().get_all_permissions(fresh(person))


def test_a_superuser_has_every_permission_and_an_inactive_person_none(person):
    boss = UserFactory(is_superuser=True)
    assert len(fresh(boss).get_all_permissions()) == Permission.objects.count()
    person.is_active = False
    person.save()
    assert fresh(person).get_all_permissions() == set()
    assert not fresh(person).has_perm("customers.view_customer")


def test_signing_in_with_a_password_keeps_the_one_query_backend(client, person):
    person.set_password("a long and good password")
    person.save()
    client.post(
        "/accounts/login/",
        {"username": person.username, "password": "a long and good password"},
    )
    assert client.session["_auth_user_backend"] == (
        "crm.permissions_backend.PermissionsInOneQueryBackend"
    )
