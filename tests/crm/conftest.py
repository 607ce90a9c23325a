import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from tests.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per test module, rolled back when the module is done.

    Each test still runs in its own savepoint (pytest-django's ``db``), and each request the
    suites send in one more, so nothing a test does reaches the next one. Module-scoped
    fixtures run before the function-scoped ones of tests/conftest.py, so their settings (fast
    password hashing, plain static files) are applied here for the module's lifetime too.
    """
    test_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
