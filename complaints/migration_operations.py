"""Migration operations of our own."""

from django.contrib.postgres import operations as postgres
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """An index built on PostgreSQL without blocking writes to its table (CREATE INDEX
    CONCURRENTLY; the migration has `atomic = False`), and elsewhere as AddIndex builds
    it: django.contrib.postgres's operation would ask SQLite for CONCURRENTLY too."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
