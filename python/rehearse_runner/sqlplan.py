"""The SQL each pending migration will run, forward and backward, per operation,
as `manage.py sqlmigrate` would print it (Django's collect-SQL mode: nothing is
executed). What the static lint reads (src/lint/)."""
from . import offline, operations
from .operations import describe


def _field(op):
    field = getattr(op, "field", None)
    if field is None:
        return None
    from django.db.models import NOT_PROVIDED

    return {
        "null": bool(getattr(field, "null", False)),
        "hasDefault": field.default is not NOT_PROVIDED,
        "dbDefault": getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED,
    }


def _collect(connection, migration, state, backwards):
    """(statements with their operation index, error, the state after the migration) for one direction.

    Each operation gets a clone of the state before it, as Migration.apply and
    unapply give it: on a rendered state a clone is cheap, and only the models an
    operation changes are rendered again (an unrendered one renders every model per
    operation)."""
    app = migration.app_label
    statements = []
    # Offline (`plan`), no transaction: opening one would connect.
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic and not offline.STATE["on"]) as editor:
        steps = []
        for op in migration.operations:
            new_state = state.clone()
            op.state_forwards(app, new_state)
            steps.append((op, state, new_state))
            state = new_state
        order = list(enumerate(steps))
        for index, (op, before, after) in (reversed(order) if backwards else order):
            if not op.reduces_to_sql:
                continue
            start = len(editor.collected_sql)
            if backwards:
                if not op.reversible:
                    return statements, "irreversible", state
                op.database_backwards(app, editor, after, before)
            else:
                op.database_forwards(app, editor, before, after)
            for sql in editor.collected_sql[start:]:
                if sql.strip() and not sql.lstrip().startswith("--"):
                    statements.append({"sql": sql.strip(), "operation": index})
        deferred = len(editor.collected_sql)
    # What the editor runs when the migration ends (indexes and constraints it deferred).
    for sql in editor.collected_sql[deferred:]:
        if sql.strip() and not sql.lstrip().startswith("--"):
            statements.append({"sql": sql.strip(), "operation": None})
    return statements, None, state


def _state_before(executor):
    """The state the first pending migration starts from: every applied migration's, as `migrate` builds it."""
    state = executor._create_project_state(with_applied_migrations=True)
    state.apps  # render once: each operation's clone then re-renders only what it changes
    return state


def sql_plan():
    from django.db import connection
    from django.db.migrations.exceptions import NodeNotFoundError
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        if executor.loader.detect_conflicts():
            return []
    except NodeNotFoundError:  # a broken graph: nothing will run (HISTORY_BROKEN_GRAPH says why)
        connection.close()
        return []
    loader = executor.loader
    pending = [m for m, backwards in executor.migration_plan(loader.graph.leaf_nodes()) if not backwards]
    out = []
    operations.QUIET["on"] = True
    try:
        # One state carried through the plan, as the executor carries it: rebuilding it
        # from the whole history per migration and direction cost seconds on long histories.
        state = _state_before(executor) if pending else None
        for migration in pending:
            key = (migration.app_label, migration.name)
            entry = {"app": key[0], "name": key[1], "atomic": bool(migration.atomic),
                     "operations": [{"kind": type(op).__name__, "describe": describe(op), "field": _field(op)}
                                    for op in migration.operations]}
            after = None
            for direction, back in (("forward", False), ("backward", True)):
                try:
                    # After a failure the carried state is unknown: from then on, each from its ancestors.
                    before = state if state is not None else loader.project_state(key, at_end=False)
                    statements, error, reached = _collect(connection, migration, before, back)
                    if not back and error is None:
                        after = reached
                    entry[direction] = {"statements": statements, "error": error}
                except Exception as exc:  # noqa: BLE001 -- a migration whose SQL cannot be collected is linted on what there is
                    entry[direction] = {"statements": [], "error": type(exc).__name__}
            state = after
            out.append(entry)
    finally:
        operations.QUIET["on"] = False
        connection.close()
    return out
