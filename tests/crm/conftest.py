import pytest
from django.db import transaction

from tests.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per test module, rolled back when the module is done.

    Each test still runs in its own savepoint (pytest-django's ``db``), and each request the
    suites send in one more, so nothing a test does reaches the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
