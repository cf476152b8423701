"""An event per operation, as `migrate` applies or unapplies it.

Django keeps one Operation object per operation of a loaded migration (its
module is imported once; every loader's Migration copies the same list). Each
one's database_forwards/database_backwards is wrapped once, on the instance, so
that `manage.py migrate` itself announces every operation it runs.
"""
import time

from . import protocol

_MARK = "_rehearse_wrapped"

# The operation running now (set when it starts, cleared when it finishes without
# raising), so that a failed `migrate` can say which operation failed.
RUNNING = {"op": None}
# While a failure is replayed (collisions.py), operations do not announce themselves.
QUIET = {"on": False}


def describe(op):
    try:
        return op.describe()
    except Exception:  # a third-party operation with a broken describe()
        return type(op).__name__


def _wrap(op, method, app, name, index):
    inner = getattr(op, method)

    def wrapped(*args, **kwargs):
        if QUIET["on"]:
            return inner(*args, **kwargs)
        text, kind = describe(op), type(op).__name__
        RUNNING["op"] = {"app": app, "migration": name, "index": index, "kind": kind, "describe": text}
        protocol.send(protocol.operation_event("started", app, name, index, kind, text))
        started = time.perf_counter()
        try:
            result = inner(*args, **kwargs)
            RUNNING["op"] = None
            return result
        finally:
            ms = round((time.perf_counter() - started) * 1000, 1)
            protocol.send(protocol.operation_event("finished", app, name, index, kind, text, ms))

    setattr(op, method, wrapped)


def announce(graph):
    """Wrap every operation of every migration in the graph (once)."""
    for (app, name), migration in graph.nodes.items():
        for index, op in enumerate(migration.operations):
            if getattr(op, _MARK, False):
                continue
            _wrap(op, "database_forwards", app, name, index)
            _wrap(op, "database_backwards", app, name, index)
            setattr(op, _MARK, True)
