"""Median and 90th percentile computed by the database, the same on SQLite and PostgreSQL.

The nearest-rank percentile: of n values in order, the p-th percentile is the value at rank
ceil(p * n / 100) (1-based). Each partition's rows are numbered in order by a window function
and only the rows at those ranks come back: at most one row per point and partition, however
many rows are measured. PostgreSQL's percentile_disc gives the same values, but SQLite has no
such aggregate; the window functions are in both.

A core module: it imports no app.
"""

from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

MEDIAN = 50
P90 = 90


def percentiles(
    queryset: QuerySet, value: str, *, partition: str | None = None, points=(MEDIAN, P90)
) -> dict:
    """Return {partition value: {point: value}} for the rows of the queryset (one query).

    Rows whose value is NULL are left out. Without a partition, the key is None. A partition
    without rows is absent from the result.
    """
    partition_by = [F(partition)] if partition else None
    ranked = (
        queryset.filter(**{f"{value}__isnull": False})
        .order_by()
        .annotate(
            report_rank=Window(
                RowNumber(), partition_by=partition_by, order_by=[F(value).asc(), F("pk").asc()]
            ),
            report_count=Window(Count("pk"), partition_by=partition_by),
        )
    )
    wanted = Q()
    for point in points:
        # ceil(point * n / 100) in integers, the same on both databases.
        wanted |= Q(report_rank=(F("report_count") * point + 99) / 100)
    fields = [partition] if partition else []
    found: dict = defaultdict(dict)
    for row in ranked.filter(wanted).values_list(*fields, value, "report_rank", "report_count"):
        key = row[0] if partition else None
        measured, rank, count = row[-3], row[-2], row[-1]
        for point in points:
            if rank == (count * point + 99) // 100:
                found[key][point] = measured
    return dict(found)
