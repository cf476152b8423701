"""The messages the runner sends to rehearse, one JSON object per line on fd 3.

Each builder here has a twin zod schema in src/django/protocol.ts, which
validates every message on arrival. Never put a row value in a message: only
names, counts, timings and error messages.
"""
import json
import os

_PROTO = None


def _out():
    global _PROTO
    if _PROTO is None:
        _PROTO = os.fdopen(3, "w", buffering=1)
    return _PROTO


def send(message):
    _out().write(json.dumps(message) + "\n")
    _out().flush()


def hello(error=None, traceback=None):
    if error is None:
        return {"type": "hello", "ready": True}
    return {"type": "hello", "ready": False, "error": error, "traceback": traceback}


def answer(data):
    return {"type": "answer", "ok": True, "data": data}


def failure(error, traceback=None):
    out = {"type": "answer", "ok": False, "error": error}
    if traceback:
        out["traceback"] = traceback
    return out


def managed(ok, ms, output, error=None, trace=None):
    """The outcome of one `manage.py` command, and every statement it ran (trace.py)."""
    out = {"type": "managed", "ok": ok, "ms": ms, "output": output}
    if error is not None:
        out["error"] = error
    if trace is not None:
        out["trace"] = trace
    return out


def operation_event(state, app, name, index, kind, describe, ms=None):
    """An operation of a migration started or finished (forward or backward)."""
    out = {"type": "operation", "state": state, "app": app, "migration": name,
           "index": index, "kind": kind, "describe": describe}
    if ms is not None:
        out["ms"] = ms
    return out


def error_of(exc):
    """Type, message and, for database errors, PostgreSQL's diagnostics (no DETAIL: it may hold values).
    `irreversible` comes from the exception's class, never from its text."""
    try:
        from django.db.migrations.exceptions import IrreversibleError
    except ImportError:  # Django itself failed to import
        IrreversibleError = ()

    out = {
        "type": type(exc).__module__ + "." + type(exc).__name__,
        "message": str(exc).split("\nDETAIL:")[0].strip(),
        "irreversible": isinstance(exc, IrreversibleError),
    }
    cause, seen = exc, 0
    while cause is not None and seen < 5:
        diag = getattr(cause, "diag", None)
        if diag is not None and getattr(diag, "message_primary", None):
            out["message"] = diag.message_primary
            sqlstate = getattr(diag, "sqlstate", None) or getattr(cause, "sqlstate", None)
            if sqlstate:
                out["sqlstate"] = sqlstate
            for field, key in (("table_name", "table"), ("column_name", "column"), ("constraint_name", "constraint")):
                value = getattr(diag, field, None)
                if value:
                    out[key] = value
            break
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return out
