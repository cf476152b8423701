"""How many rows collide, when a migration's data step breaks a unique constraint.

PostgreSQL names the constraint and (in DETAIL, which rehearse drops: it holds
values) only the first duplicate. To count them all, the failing migration is
replayed in a transaction with that constraint's index dropped, the rows that
now share a key are counted, and everything is rolled back. Counts and column
names only; never a value.
"""
from . import operations

DATA_OPS = ("RunPython", "RunSQL")


class _Undo(Exception):
    pass


def _index_of(cursor, name):
    """The unique index behind `name` (a constraint or an index): its table, columns, and how to drop it."""
    cursor.execute(
        """SELECT ic.oid::regclass::text, i.indrelid::regclass::text, con.conname,
                  array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o),
                  0 = ANY (i.indkey::int2[])
           FROM pg_class ic JOIN pg_index i ON i.indexrelid = ic.oid
           LEFT JOIN pg_constraint con ON con.conindid = ic.oid AND con.contype IN ('u', 'p')
           WHERE ic.relname = %s OR con.conname = %s LIMIT 1""",
        [name, name],
    )
    return cursor.fetchone()


def count(app, name, op_index, constraint):
    """{"rows", "groups", "columns"} for the replayed migration, or None when it cannot be told."""
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    migration = loader.get_migration(app, name)
    found = {}
    operations.QUIET["on"] = True
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                row = _index_of(cursor, constraint)
                if row is None or row[4]:  # unknown, or an expression index: no columns to count on
                    return None
                index, table, conname, columns = row[0], row[1], row[2], row[3]
                cursor.execute("SET LOCAL statement_timeout = '120s'")
                if conname:
                    cursor.execute('ALTER TABLE %s DROP CONSTRAINT "%s"' % (table, conname.replace('"', '""')))
                else:
                    cursor.execute("DROP INDEX %s" % index)
            _replay(loader, migration, app, name, op_index, connection)
            with connection.cursor() as cursor:
                cols = ", ".join('"%s"' % c.replace('"', '""') for c in columns)
                cursor.execute(
                    "SELECT coalesce(sum(n), 0)::int, count(*)::int FROM (SELECT count(*) AS n FROM %s "
                    "WHERE %s GROUP BY %s HAVING count(*) > 1) g"
                    % (table, " AND ".join('"%s" IS NOT NULL' % c.replace('"', '""') for c in columns), cols)
                )
                rows, groups = cursor.fetchone()
                found = {"rows": rows, "groups": groups, "columns": list(columns)}
            raise _Undo()
    except _Undo:
        return found
    finally:
        operations.QUIET["on"] = False
        connection.close()


def _replay(loader, migration, app, name, op_index, connection):
    """The migration's operations up to the failing one, as migrate ran them (earlier ones of a
    non-atomic migration are already committed: only their state is replayed)."""
    state = loader.project_state((app, name), at_end=False)
    with connection.schema_editor(atomic=False) as editor:
        for i, op in enumerate(migration.operations[: op_index + 1]):
            new_state = state.clone()
            op.state_forwards(app, new_state)
            if migration.atomic or i == op_index:
                op.database_forwards(app, editor, state, new_state)
            state = new_state
