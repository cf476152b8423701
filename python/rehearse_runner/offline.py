"""`rehearse plan`: Django with no database. The snapshot's django_migrations
rows come from the dump file (read by the TypeScript side) and stand in for
the recorder; DATABASES points at a closed port, so anything that still tries
to connect fails at once instead of reaching a server. Schema editors collect
SQL without a transaction, and a constraint name that only a live catalog
could tell is a stand-in (the lint reads statements, not names).
"""
import json
import os
import re

STATE = {"on": False}


def install():
    path = os.environ.get("REHEARSE_OFFLINE")
    if not path:
        return
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    from django.db import connections
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.recorder import MigrationRecorder

    recorded = data.get("applied")
    rows = {tuple(k): True for k in (recorded or [])}
    MigrationRecorder.has_table = lambda self: recorded is not None
    MigrationRecorder.applied_migrations = lambda self: dict(rows)
    BaseDatabaseSchemaEditor._constraint_names = _constraint_names
    connection = connections["default"]
    # The server version the features ask for, from the dump's header (a cached property).
    connection.__dict__["pg_version"] = int(data.get("serverVersionNum") or 150000)
    # Django merges a statement's parameters through a live cursor; quote them here instead.
    connection.ops.compose_sql = compose_sql
    STATE["on"] = True


def _quote(value):
    try:
        from psycopg import sql

        return sql.quote(value)
    except ImportError:  # psycopg2
        from psycopg2.extensions import adapt

        return adapt(value).getquoted().decode()


def compose_sql(text, params):
    """%s placeholders filled with quoted literals, %% unescaped, as mogrify does."""
    values = iter(list(params or ()))
    return re.sub(r"%%|%s", lambda m: "%" if m.group(0) == "%%" else _quote(next(values)), str(text))


def _constraint_names(self, model, column_names=None, **kwargs):
    """One stand-in name where Django would look the constraint up in the catalog."""
    return ["%s_%s_offline" % (model._meta.db_table, "_".join(column_names or ["constraint"]))]
