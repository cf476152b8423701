"""rehearse's Django runner.

Started once per rehearsal through execa as `python runner.py /path/to/manage.py`.
It runs the project's own manage.py (so its preamble -- env vars, sys.path, dotenv --
happens exactly as in a deploy), but with Django's execute_from_command_line swapped
for a loop: commands arrive as JSON lines on stdin, answers leave as JSON lines on
fd 3 (stdout stays free for whatever migrations print). Each `migrate` command goes
through the real execute_from_command_line(["manage.py", "migrate", ...]), so Django
does exactly what `manage.py migrate app target` does -- without paying Django's
start-up once per migration.

Never put row values in an answer: only names, counts and error messages.
"""
import contextlib
import io
import json
import os
import runpy
import sys
import time
import traceback

PROTO = os.fdopen(3, "w", buffering=1)
SHIM = os.environ.get("REHEARSE_SETTINGS_MODULE")
MAX_OUTPUT = 20000


def reply(obj):
    PROTO.write(json.dumps(obj) + "\n")
    PROTO.flush()


def describe_error(exc):
    """Type, message and, for database errors, PostgreSQL's diagnostics (no DETAIL: it may hold values)."""
    out = {"type": type(exc).__module__ + "." + type(exc).__name__, "message": str(exc).split("\nDETAIL:")[0].strip()}
    cause = exc
    seen = 0
    while cause is not None and seen < 5:
        diag = getattr(cause, "diag", None)
        if diag is not None and getattr(diag, "message_primary", None):
            out["message"] = diag.message_primary
            out["sqlstate"] = getattr(diag, "sqlstate", None) or getattr(cause, "sqlstate", None)
            for field in ("table_name", "column_name", "constraint_name", "schema_name"):
                value = getattr(diag, field, None)
                if value:
                    out[field] = value
            break
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return out


def operations_of(migration):
    """Each operation's description and whether Django can reverse it (nested ones included)."""
    from django.db.migrations.operations.special import SeparateDatabaseAndState

    def reversible(op):
        if isinstance(op, SeparateDatabaseAndState):
            return all(reversible(o) for o in op.database_operations)
        return bool(getattr(op, "reversible", True))

    ops = []
    for op in migration.operations:
        try:
            text = op.describe()
        except Exception:  # a third-party operation with a broken describe()
            text = type(op).__name__
        ops.append({"kind": type(op).__name__, "describe": text, "reversible": reversible(op)})
    return ops


def stray_files(app_path):
    """Files in a migrations folder that Django's loader will never import."""
    if not app_path or not os.path.isdir(app_path):
        return []
    stray = []
    for name in sorted(os.listdir(app_path)):
        full = os.path.join(app_path, name)
        if name.startswith(".") or name == "__pycache__" or name == "__init__.py":
            continue
        if os.path.isdir(full):
            continue
        if name.endswith(".py") and not name.startswith(("_", "~")):
            continue
        if name.endswith((".pyc", ".pyo")):
            continue
        stray.append(name)
    return stray


def apps_info(apps):
    from django.db.migrations.loader import MigrationLoader

    app_info = []
    for cfg in apps.get_app_configs():
        module_name, _ = MigrationLoader.migrations_module(cfg.label)
        path = None
        if module_name:
            try:
                mod = __import__(module_name, fromlist=["__path__"])
                paths = list(getattr(mod, "__path__", []))
                path = paths[0] if paths else None
            except ImportError:
                path = None
        app_info.append({"label": cfg.label, "name": cfg.name, "migrationsPath": path, "stray": stray_files(path)})
    return app_info


def broken_graph(exc, applied_rows):
    """Django cannot build the graph (a migration depends on one that is not there):
    `migrate` would fail before applying anything. Report what can still be known."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True, load=False)
    loader.load_disk()
    origin = getattr(exc, "origin", None)
    origin_key = (getattr(origin, "app_label", None), getattr(origin, "name", None)) if origin is not None else (None, None)
    node = tuple(exc.node) if isinstance(exc.node, (tuple, list)) else (None, str(exc.node))
    connection.close()
    return {
        "djangoVersion": __import__("django").get_version(),
        "apps": apps_info(apps),
        "nodes": [],
        "disk": sorted([list(k) for k in loader.disk_migrations.keys()]),
        "appliedRows": [list(k) for k in applied_rows],
        "appliedResolved": [list(k) for k in applied_rows],
        "leaves": {},
        "conflicts": {},
        "inconsistent": [],
        "plan": [],
        "brokenGraph": {
            "app": origin_key[0], "name": origin_key[1], "missingApp": node[0], "missingName": node[1],
            "message": str(exc),
        },
    }


def introspect():
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.exceptions import NodeNotFoundError
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    applied_rows = sorted(recorder.applied_migrations().keys()) if recorder.has_table() else []
    applied = set(applied_rows)
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    except NodeNotFoundError as exc:
        return broken_graph(exc, applied_rows)
    graph = loader.graph

    app_info = apps_info(apps)

    nodes = []
    for key, mig in graph.nodes.items():
        module = sys.modules.get(mig.__module__)
        nodes.append({
            "app": key[0],
            "name": key[1],
            "parents": sorted([list(p.key) for p in graph.node_map[key].parents]),
            "replaces": [list(r) for r in (mig.replaces or [])],
            "file": getattr(module, "__file__", None),
            "atomic": bool(getattr(mig, "atomic", True)),
            "operations": operations_of(mig),
        })

    # Every applied migration with an unapplied parent (Django stops at the first).
    inconsistent = []
    for key in applied_rows:
        if key not in graph.nodes:
            continue
        for parent in graph.node_map[key].parents:
            pkey = parent.key
            if pkey in applied:
                continue
            if pkey in loader.replacements and all(r in applied for r in loader.replacements[pkey].replaces):
                continue
            inconsistent.append({"app": key[0], "name": key[1], "parentApp": pkey[0], "parentName": pkey[1]})

    conflicts = {app: sorted(names) for app, names in loader.detect_conflicts().items()}
    leaves = {}
    for app, name in graph.leaf_nodes():
        leaves.setdefault(app, []).append(name)

    plan = []
    if not conflicts:
        executor = MigrationExecutor(connection)
        for mig, backwards in executor.migration_plan(executor.loader.graph.leaf_nodes()):
            if not backwards:
                plan.append([mig.app_label, mig.name])

    # What each node's app looked like in the snapshot, per Django's view (squashes resolved).
    loader_applied = sorted(loader.applied_migrations.keys())
    connection.close()
    return {
        "djangoVersion": __import__("django").get_version(),
        "apps": app_info,
        "nodes": nodes,
        "disk": sorted([list(k) for k in loader.disk_migrations.keys()]),
        "appliedRows": [list(k) for k in applied_rows],
        "appliedResolved": [list(k) for k in loader_applied],
        "leaves": {k: sorted(v) for k, v in leaves.items()},
        "conflicts": conflicts,
        "inconsistent": inconsistent,
        "plan": plan,
    }


def applied_rows():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    rows = sorted(MigrationRecorder(connection).applied_migrations().keys())
    connection.close()
    return [list(k) for k in rows]


def run_manage(real_execute, argv):
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    result = {"ok": True}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            real_execute(["manage.py"] + argv)
    except SystemExit as exc:
        if exc.code not in (0, None):
            lines = [l for l in err.getvalue().splitlines() if l.strip()]
            result = {"ok": False, "error": {"type": "SystemExit", "message": lines[-1] if lines else "exit %s" % exc.code}}
    except BaseException as exc:  # noqa: BLE001 -- everything a migration raises is a finding
        result = {"ok": False, "error": describe_error(exc)}
        err.write(traceback.format_exc())
    finally:
        from django.db import connections

        connections.close_all()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    result["output"] = (out.getvalue() + err.getvalue())[-MAX_OUTPUT:]
    return result


def serve(real_execute):
    import django

    # The project's own settings module, as --settings or manage.py's preamble chose it;
    # the shim imports it and then points DATABASES at the sandbox.
    original = os.environ.get("REHEARSE_ORIGINAL_SETTINGS") or os.environ.get("DJANGO_SETTINGS_MODULE")
    if not original:
        reply({"ready": False, "error": {"type": "ImproperlyConfigured", "message": "manage.py does not set DJANGO_SETTINGS_MODULE; pass --settings MODULE"}})
        return
    os.environ["REHEARSE_ORIGINAL_SETTINGS"] = original
    os.environ["DJANGO_SETTINGS_MODULE"] = SHIM
    try:
        django.setup()
    except BaseException as exc:  # noqa: BLE001
        reply({"ready": False, "error": describe_error(exc), "traceback": traceback.format_exc()[-4000:]})
        return
    reply({"ready": True})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        try:
            if cmd["cmd"] == "introspect":
                reply({"ok": True, "data": introspect()})
            elif cmd["cmd"] == "applied":
                reply({"ok": True, "data": applied_rows()})
            elif cmd["cmd"] == "manage":
                reply(run_manage(real_execute, cmd["argv"]))
            elif cmd["cmd"] == "exit":
                return
            else:
                reply({"ok": False, "error": {"type": "UnknownCommand", "message": cmd["cmd"]}})
        except BaseException as exc:  # noqa: BLE001
            reply({"ok": False, "error": describe_error(exc), "traceback": traceback.format_exc()[-4000:]})


def main():
    manage_py = os.path.abspath(sys.argv[1])
    project = os.path.dirname(manage_py)
    sys.path.insert(0, project)
    os.chdir(project)
    import django.core.management as management

    real_execute = management.execute_from_command_line
    served = []

    def take_over(argv=None):
        served.append(True)
        serve(real_execute)

    management.execute_from_command_line = take_over
    sys.argv = [manage_py, "rehearse-runner"]
    try:
        runpy.run_path(manage_py, run_name="__main__")
    except SystemExit:
        pass
    if not served:
        serve(real_execute)


if __name__ == "__main__":
    main()
