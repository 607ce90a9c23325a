import os
import secrets
from datetime import datetime, time
from pathlib import Path

import pytest
from celery.app.task import Task
from django.core.cache import cache
from kombu.exceptions import OperationalError as BrokerUnreachable

from crm.models import BusinessHours
from tests.factories import make_actor

CHROMIUM = Path(os.environ.get("TEND_CHROMIUM", "/usr/bin/chromium"))
BROWSER_TESTS_DIR = Path(__file__).parent / "browser"
BROWSER_SKIP_REASON = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped. Enable them with "
    "`apt-get install -y chromium` (or set TEND_CHROMIUM to a Chromium binary)."
)
browser_skipped_key = pytest.StashKey[int]()
test_databases_key = pytest.StashKey[list[str]]()
# This run's own suffix for its test databases: two runs sharing a PostgreSQL server (or a var/
# folder) would otherwise create, flush and drop one database under each other.
RUN_SUFFIX = f"{os.getpid()}_{secrets.token_hex(3)}"


def per_run_database_name(db_settings: dict, suffix: str) -> str:
    """The name of this run's test database for one DATABASES entry."""
    name = db_settings.get("TEST", {}).get("NAME")
    if db_settings["ENGINE"] == "django.db.backends.sqlite3":
        if not name or name == ":memory:":
            return name or ":memory:"
        path = Path(name)
        return str(path.with_name(f"{path.stem}-{suffix}{path.suffix}"))
    return f"{name or 'test_' + db_settings['NAME']}_{suffix}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Give this run's test databases names of their own; pytest-django drops them at the end."""
    from django.conf import settings

    names = []
    for db_settings in settings.DATABASES.values():
        db_settings.setdefault("TEST", {})["NAME"] = per_run_database_name(db_settings, RUN_SUFFIX)
        names.append(db_settings["TEST"]["NAME"])
    request.config.stash[test_databases_key] = names


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests; skip them loudly without Chromium, or fail where CI needs them."""
    browser_items = [item for item in items if BROWSER_TESTS_DIR in Path(item.path).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or CHROMIUM.exists():
        return
    if os.environ.get("TEND_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"TEND_REQUIRE_BROWSER is set but {BROWSER_SKIP_REASON}")
    config.stash[browser_skipped_key] = len(browser_items)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=BROWSER_SKIP_REASON))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    names = config.stash.get(test_databases_key, [])
    if names:
        terminalreporter.write_line(f"Test databases of this run: {', '.join(names)}")
    skipped = config.stash.get(browser_skipped_key, 0)
    if skipped:
        terminalreporter.write_sep("!", f"{skipped} browser tests were skipped", yellow=True)
        terminalreporter.write_line(BROWSER_SKIP_REASON)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic to have run; tests serve files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is slow on purpose; tests create and check many passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Pages keep drawn fragments in the cache (crm/templatetags/kept_forms.py); each test
    # starts without another test's.
    cache.clear()


@pytest.fixture
def eager_celery(settings):
    """Run Celery tasks in-process: notifications are tasks enqueued after commit."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def broker(monkeypatch):
    """The Celery broker, which a test can take down and bring back.

    While it is down, sending any task fails as kombu fails with the server unreachable.
    """

    class Broker:
        is_up = True

        def down(self) -> None:
            self.is_up = False

        def up(self) -> None:
            self.is_up = True

    state = Broker()
    send = Task.apply_async

    def apply_async(task, *args, **kwargs):
        if not state.is_up:
            raise BrokerUnreachable("[Errno 111] Connection refused")
        return send(task, *args, **kwargs)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return state


@pytest.fixture
def weekdays_nine_to_five(db):
    """Business hours Monday to Friday, 09:00 to 17:00."""
    BusinessHours.objects.bulk_create(
        BusinessHours(weekday=weekday, opens=time(9), closes=time(17)) for weekday in range(5)
    )


@pytest.fixture
def clock(time_machine):
    """Stop the clock at a chosen moment: ``clock.set(moment)`` returns the moment."""

    class Clock:
        def set(self, moment: datetime) -> datetime:
            time_machine.move_to(moment, tick=False)
            return moment

    return Clock()


@pytest.fixture
def staff(db):
    return make_actor("staff")


@pytest.fixture
def other_staff(db):
    return make_actor("other_staff")


@pytest.fixture
def supervisor(db):
    return make_actor("supervisor")


@pytest.fixture
def owner(db):
    return make_actor("owner")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def pytest_itemcollected(item):
    """Refuse a database-flushing test that would wipe the data migrations' rows.

    A transactional test empties every table afterwards; the groups come back with the
    post_migrate signal, but the default SLA targets, authority limits and categories would not.
    """
    marker = item.get_closest_marker("django_db")
    if (
        marker
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ):
        raise pytest.UsageError(
            f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
        )
