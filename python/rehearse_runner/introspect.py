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


def _base(applied, loader):
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    return {
        "djangoVersion": __import__("django").get_version(),
        "aliases": sorted(settings.DATABASES),
        "historyTable": MigrationRecorder(connection).has_table(),
        "apps": apps_info(apps),
        "nodes": [],
        "disk": sorted([list(k) for k in loader.disk_migrations.keys()]),
        # Every squash on disk, even one Django took out of the graph (applied only in part).
        "squashes": [{"app": k[0], "name": k[1], "replaces": [list(r) for r in m.replaces]}
                     for k, m in sorted(loader.disk_migrations.items()) if m.replaces],
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
    out = _base(applied, loader)
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
    out = _base(applied, loader)
    out["nodes"] = [{
        "app": key[0], "name": key[1],
        "parents": sorted([list(p.key) for p in graph.node_map[key].parents]),
        "replaces": [list(r) for r in (mig.replaces or [])],
        "operations": operations_of(mig),
    } for key, mig in graph.nodes.items()]
    out["inconsistent"] = inconsistencies(loader, set(applied))
    out["conflicts"] = {app: sorted(names) for app, names in loader.detect_conflicts().items()}
    if not out["conflicts"]:
        executor = MigrationExecutor(connection)
        out["plan"] = [[m.app_label, m.name]
                       for m, backwards in executor.migration_plan(executor.loader.graph.leaf_nodes()) if not backwards]
    connection.close()
    return out


def _router():
    """The project's own DATABASE_ROUTERS, to tell which models live on the default database."""
    import importlib

    from django.db.utils import ConnectionRouter

    try:
        original = importlib.import_module(os.environ["REHEARSE_ORIGINAL_SETTINGS"])
        return ConnectionRouter(list(getattr(original, "DATABASE_ROUTERS", [])))
    except Exception:  # noqa: BLE001 -- no routers we can use: every model is the default database's
        return None


def models():
    """Every table and column the release's models need on the default database:
    managed, concrete, not proxies or swapped out, not routed elsewhere."""
    from django.apps import apps
    from django.db import connection

    router, out = _router(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped:
            continue
        try:
            if router is not None and not router.allow_migrate_model("default", model):
                continue
        except Exception:  # noqa: BLE001 -- a router that cannot answer does not route it away
            pass
        columns = [f.column for f in meta.local_concrete_fields if f.db_parameters(connection=connection)["type"] is not None]
        out.append({"app": meta.app_label, "model": meta.object_name, "table": meta.db_table, "columns": columns})
    connection.close()
    return out


def plan_to(app, target):
    """What `migrate APP TARGET` would do from the database's state now: [app, name, backwards] in order."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([(app, None if target == "zero" else target)])
    connection.close()
    return [[m.app_label, m.name, bool(backwards)] for m, backwards in plan]
