"""Migration operations that keep a live site writing while they run."""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently


class AddIndexOnline(AddIndexConcurrently):
    """An index built without holding writes to its table: `CREATE INDEX CONCURRENTLY` on
    PostgreSQL (the migration declares `atomic = False`: PostgreSQL builds it outside a
    transaction), a plain index elsewhere (SQLite: one process writes at a time anyway).

    The migration's state is AddIndex's, so the autodetector sees nothing new. A concurrent build
    that fails (a deadlock, a cancelled statement) leaves the index INVALID: drop it and migrate
    again (docs/operations.md, "Release notes")."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index)
