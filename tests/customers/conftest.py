import pytest


@pytest.fixture
def business_week(settings):
    """London time, the day starting at 08:00, Celery tasks run in-process (see the mail)."""
    settings.TIME_ZONE = "Europe/London"
    settings.DAY_START_HOUR = 8
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
