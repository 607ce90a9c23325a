"""Hand work to the Celery worker once the transaction that asked for it has committed."""

from django.db import transaction


def enqueue_after_commit(task, *args) -> None:
    """Send the task to the broker once the transaction commits, never failing the request.

    With the broker down the saved work stands; the error is logged, and periodic work picks up
    whatever must still happen (the complaint intake and the notices outbox do).
    """
    transaction.on_commit(lambda: task.delay(*args), robust=True)
