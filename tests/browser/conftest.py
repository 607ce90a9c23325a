"""Playwright on Debian's Chromium, never a downloaded browser; phone-sized by default."""

import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, which Django would otherwise
# take for async code and refuse database access from.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 360, "height": 740}
# The data migrations whose rows the browser tests restore themselves (see _migrated_rows), in
# the order they run: (module, function).
DATA_MIGRATIONS = [
    ("complaints.migrations.0003_defaults", "create_defaults"),
    (
        "complaints.migrations.0004_apology_is_the_only_free_remedy",
        "limit_other_and_convert_apologies",
    ),
    ("onboarding.migrations.0002_defaults", "create_defaults"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def screenshots() -> Path:
    """The git-ignored folder where browser tests leave their screenshots for people to look at."""
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Collect the Content Security Policy violations Chromium reports while the test runs."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.fixture(autouse=True)
def _migrated_rows(transactional_db):
    """Put back the rows data migrations made (role groups, complaint defaults).

    Playwright's event loop gives Django a fresh connection object in these tests, one without
    the serialized copy of the migrated database, so serialized rollback cannot restore them.
    """
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for migration, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(migration), function)(apps, None)
