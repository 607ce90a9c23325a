"""On PostgreSQL: a trigram index so that the search box finds follow-ups by words in their
subject (FollowUpQuerySet.matching) through an index. SQLite has none and does without.

The index is on the expression Django's ``icontains`` compares, ``UPPER(subject::text)``, so
that the planner can match it to the query.
"""

from django.db import migrations

from crm.postgres_only import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS followup_subject_trgm ON customers_followup "
    "USING gin ((UPPER(subject::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS followup_subject_trgm"]


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_followup_given_by_others_idx")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
