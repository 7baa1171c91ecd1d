"""complaints.migration_operations.AddIndexConcurrently: on PostgreSQL the index is built
with CREATE INDEX CONCURRENTLY, outside a transaction; on SQLite as AddIndex builds it;
and it is dropped again when the migration is unapplied."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# serialized_rollback: the flush after the test then leaves the tables empty for the next
# test that restores the migrations' rows (roles, SLA policies) as the browser tests do.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("complaints", "0032_sort_indexes")
INDEX = "complaint_property_closed"


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "complaints_complaint"))


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def test_the_closing_index_is_dropped_and_built_again():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert INDEX in indexes()
    try:
        migrate([BEFORE])
        assert INDEX not in indexes()
    finally:
        migrate(leaves)
    assert INDEX in indexes()
