"""What Django knows about the migrations: the graph, the files on disk, what
the snapshot's django_migrations records, and the plan `migrate` would run.

Everything here is names: app labels, migration names, operation descriptions.
"""
import os
import sys

from .operations import announce, describe


def operations_of(migration):
    """Each operation's description and whether Django can reverse it (nested ones included)."""
    from django.db.migrations.operations.special import SeparateDatabaseAndState

    def reversible(op):
        if isinstance(op, SeparateDatabaseAndState):
            return all(reversible(o) for o in op.database_operations)
        return bool(getattr(op, "reversible", True))

    return [{"kind": type(op).__name__, "describe": describe(op), "reversible": reversible(op)}
            for op in migration.operations]


def stray_files(app_path):
    """Files in a migrations folder that Django's loader will never import."""
    if not app_path or not os.path.isdir(app_path):
        return []
    stray = []
    for name in sorted(os.listdir(app_path)):
        if name.startswith(".") or name in ("__pycache__", "__init__.py"):
            continue
        if os.path.isdir(os.path.join(app_path, name)):
            continue
        if name.endswith(".py") and not name.startswith(("_", "~")):
            continue
        if name.endswith((".pyc", ".pyo")):
            continue
        stray.append(name)
    return stray


def apps_info(apps):
    from django.db.migrations.loader import MigrationLoader

    out = []
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
        out.append({"label": cfg.label, "migrationsPath": path, "stray": stray_files(path)})
    return out


def recorded(connection):
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return sorted(recorder.applied_migrations().keys()) if recorder.has_table() else []


def applied_rows():
    from django.db import connection

    rows = recorded(connection)
    connection.close()
    return [list(k) for k in rows]


def _base(applied):
    from django.apps import apps

    return {
        "djangoVersion": __import__("django").get_version(),
        "apps": apps_info(apps),
        "nodes": [],
        "disk": [],
        "appliedRows": [list(k) for k in applied],
        "conflicts": {},
        "inconsistent": [],
        "plan": [],
    }


def broken_graph(exc, applied):
    """Django cannot build the graph (a migration depends on one that is not there):
    `migrate` would fail before applying anything. Report what can still be known."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True, load=False)
    loader.load_disk()
    origin = getattr(exc, "origin", None)
    node = tuple(exc.node) if isinstance(exc.node, (tuple, list)) else (None, str(exc.node))
    connection.close()
    out = _base(applied)
    out["disk"] = sorted([list(k) for k in loader.disk_migrations.keys()])
    out["brokenGraph"] = {
        "app": getattr(origin, "app_label", None), "name": getattr(origin, "name", None),
        "missingApp": node[0], "missingName": node[1],
    }
    return out


def inconsistencies(loader, applied):
    """Every applied migration with an unapplied parent (Django stops at the first)."""
    graph, found = loader.graph, []
    for key in applied:
        if key not in graph.nodes:
            continue
        for parent in graph.node_map[key].parents:
            pkey = parent.key
            if pkey in applied:
                continue
            if pkey in loader.replacements and all(r in applied for r in loader.replacements[pkey].replaces):
                continue
            found.append({"app": key[0], "name": key[1], "parentApp": pkey[0], "parentName": pkey[1]})
    return found


def introspect():
    from django.db import connection
    from django.db.migrations.exceptions import NodeNotFoundError
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader

    applied = recorded(connection)
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    except NodeNotFoundError as exc:
        return broken_graph(exc, applied)
    graph = loader.graph
    # Migration modules are imported once, so `migrate` will run these very operations.
    announce(graph)
    out = _base(applied)
    out["nodes"] = [{
        "app": key[0], "name": key[1],
        "parents": sorted([list(p.key) for p in graph.node_map[key].parents]),
        "replaces": [list(r) for r in (mig.replaces or [])],
        "operations": operations_of(mig),
    } for key, mig in graph.nodes.items()]
    out["disk"] = sorted([list(k) for k in loader.disk_migrations.keys()])
    out["inconsistent"] = inconsistencies(loader, set(applied))
    out["conflicts"] = {app: sorted(names) for app, names in loader.detect_conflicts().items()}
    if not out["conflicts"]:
        executor = MigrationExecutor(connection)
        out["plan"] = [[m.app_label, m.name]
                       for m, backwards in executor.migration_plan(executor.loader.graph.leaf_nodes()) if not backwards]
    connection.close()
    return out
