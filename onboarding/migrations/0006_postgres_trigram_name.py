"""On PostgreSQL: a trigram index so that the search box finds onboardings by words in their
name (OnboardingQuerySet.matching) through an index. SQLite has none and does without.

The index is on the expression Django's ``icontains`` compares, ``UPPER(name::text)``, so that
the planner can match it to the query.
"""

from django.db import migrations

from crm.postgres_only import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS onboarding_name_trgm ON onboarding_onboarding "
    "USING gin ((UPPER(name::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS onboarding_name_trgm"]


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0005_onboarding_stall_marks")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
