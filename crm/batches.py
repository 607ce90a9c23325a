"""Reading many rows a batch at a time: how every sweep walks a large queryset.

A core module: it imports no app, so the apps above `customers` need not reach into
`customers.sweeps` for it.
"""

from collections.abc import Iterator

# Rows read per query by the sweeps: large enough for few queries, small enough for memory.
BATCH_SIZE = 500


def in_batches(queryset, size: int | None = None) -> Iterator:
    """Yield the queryset's rows in primary-key order, ``size`` (BATCH_SIZE) rows per query."""
    size = size or BATCH_SIZE
    # Keyed on the last primary key rather than an offset: claimed rows drop out of the
    # queryset as a sweep goes, and an offset would then skip rows.
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:size])
        yield from batch
        if len(batch) < size:
            return
        last_pk = batch[-1].pk
