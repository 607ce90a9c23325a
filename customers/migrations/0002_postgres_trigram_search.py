"""On PostgreSQL: pg_trgm, and trigram indexes so that searching names (LIKE '%…%') and finding
similar names stay fast at 100,000 customers. SQLite has neither and does without."""

from django.db import migrations

from crm.postgres_only import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_search_name_trgm "
    "ON customers_customer USING gin (search_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS contact_search_name_trgm "
    "ON customers_contact USING gin (search_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS contact_search_name_trgm",
    "DROP INDEX IF EXISTS customer_search_name_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
