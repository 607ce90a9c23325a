"""On PostgreSQL: trigram indexes so that the search box finds complaints by words in what the
customer said or in what we heard (ComplaintQuerySet.matching) through an index at 100,000
complaints. SQLite has no trigram index and does without.

Each index is on the expression Django's ``icontains`` compares, ``UPPER(column::text)``, so
that the planner can match it to the query.
"""

from django.db import migrations

from crm.postgres_only import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS complaint_customer_words_trgm ON complaints_complaint "
    "USING gin ((UPPER(customer_words::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS complaint_what_we_heard_trgm ON complaints_complaint "
    "USING gin ((UPPER(what_we_heard::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS complaint_what_we_heard_trgm",
    "DROP INDEX IF EXISTS complaint_customer_words_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_remedy_awaiting_amount_idx")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
