"""complaints.migration_operations.AddIndexConcurrently: on PostgreSQL the index is built
with CREATE INDEX CONCURRENTLY, outside a transaction; on SQLite as AddIndex builds it;
and it is dropped again when the migration is unapplied."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

# serialized_rollback: the flush after the test then leaves the tables empty for the next
# test that restores the migrations' rows (roles, SLA policies) as the browser tests do.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("complaints", "0032_sort_indexes")
INDEX = "complaint_property_closed"


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "complaints_complaint"))


def migrate(targets) -> list[str]:
    """The statements the migration ran on the index."""
    with CaptureQueriesContext(connection) as queries:
        MigrationExecutor(connection).migrate(targets)
    return [q["sql"] for q in queries.captured_queries if INDEX in q["sql"]]


def test_the_closing_index_is_dropped_and_built_again():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    concurrently = connection.vendor == "postgresql"
    assert INDEX in indexes()
    try:
        (dropped,) = migrate([BEFORE])
        assert INDEX not in indexes()
    finally:
        (built,) = migrate(leaves)
    assert INDEX in indexes()
    assert dropped.startswith("DROP INDEX CONCURRENTLY" if concurrently else "DROP INDEX")
    assert built.startswith("CREATE INDEX CONCURRENTLY" if concurrently else "CREATE INDEX")
    assert ("CONCURRENTLY" in dropped + built) == concurrently
