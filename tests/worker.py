"""Start a real Celery worker process against the test database, on a queue of its own."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def test_database_url() -> str:
    """The URL of the database the tests run on, for a process started beside them."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def celery_worker(log_path: Path) -> Iterator[str]:
    """Run a worker until the block ends; yield the queue it consumes.

    A queue of its own keeps the test's messages away from any other worker sharing the broker
    (a developer's `make run` uses the same embedded broker folder).
    """
    queue = f"test-{uuid.uuid4().hex[:12]}"
    environ = {**os.environ, "DATABASE_URL": test_database_url()}
    command = [
        *(sys.executable, "-m", "celery", "-A", "crm", "worker"),
        *("--pool", "solo", "--queues", queue, "--loglevel", "INFO"),
        *("--without-mingle", "--without-gossip", "--hostname", f"{queue}@tend-tests"),
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environ, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
