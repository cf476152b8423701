"""rehearse's Django runner.

Started once per rehearsal through execa as `python runner.py /path/to/manage.py`.
It runs the project's own manage.py (so its preamble -- env vars, sys.path, dotenv --
happens exactly as in a deploy), but with Django's execute_from_command_line swapped
for a loop: commands arrive as JSON lines on stdin, answers and events leave as JSON
lines on fd 3 (stdout stays free for whatever migrations print; see
rehearse_runner/protocol.py). Each `manage` command goes through the real
execute_from_command_line(["manage.py", "migrate", ...]), so Django does exactly what
`manage.py migrate app target` does -- without paying Django's start-up each time.
"""
import contextlib
import io
import json
import os
import runpy
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rehearse_runner import protocol  # noqa: E402

SHIM = os.environ.get("REHEARSE_SETTINGS_MODULE")
MAX_OUTPUT = 20000
# The oldest Django whose migration internals the runner is written against
# (execute_wrapper, the recorder, the executor's plan); 4.2 is the oldest LTS.
MIN_DJANGO = (4, 2)


def django_unusable():
    """Why this interpreter cannot run the project's Django, as a hello error; None when it can."""
    try:
        import django
    except ImportError as exc:
        return {"type": "DjangoMissing", "irreversible": False,
                "message": f"{sys.executable} cannot import Django ({exc}): pass --python the interpreter "
                           "with the project's requirements (its virtualenv's bin/python)"}
    if tuple(django.VERSION[:2]) < MIN_DJANGO:
        return {"type": "DjangoTooOld", "irreversible": False,
                "message": f"Django {django.get_version()} is older than rehearse supports "
                           f"({'.'.join(map(str, MIN_DJANGO))} or newer)"}
    return None


def run_manage(real_execute, argv):
    from django.db import connections

    from rehearse_runner.trace import traced

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    error = None
    tracing = traced(connections["default"])
    trace = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), tracing as recording:
            trace = recording
            real_execute(["manage.py"] + argv)
    except SystemExit as exc:
        if exc.code not in (0, None):
            lines = [line for line in err.getvalue().splitlines() if line.strip()]
            error = {"type": "SystemExit", "message": lines[-1] if lines else "exit %s" % exc.code, "irreversible": False}
    except BaseException as exc:  # noqa: BLE001 -- everything a migration raises is a finding
        error = protocol.error_of(exc)
        err.write(traceback.format_exc())
        explain(error)
    finally:
        from django.db import connections

        # A new connection for every step, as `manage.py` itself has (its
        # run_from_argv closes them too; this also covers an error raised before
        # that). Keeping one would save 5-10 ms a step, but a live backend flushes
        # its tuple counters (pg_stat_user_tables, which the data watch reads after
        # every step) at most once a second; only its exit flushes them at once
        # (PostgreSQL 16's pg_stat_force_next_flush() would do, not 15's).
        connections.close_all()
    ms = round((time.perf_counter() - started) * 1000, 1)
    return protocol.managed(error is None, ms, (out.getvalue() + err.getvalue())[-MAX_OUTPUT:], error,
                            trace.result() if trace is not None else None)


def explain(error):
    """Which operation failed, and for a data step that broke a unique constraint, how many rows collide."""
    from django.db import connections

    from rehearse_runner import collisions, operations

    op = operations.RUNNING["op"]
    operations.RUNNING["op"] = None
    if op is None:
        return
    error["operation"] = {"index": op["index"], "kind": op["kind"], "describe": op["describe"]}
    if error.get("sqlstate") != "23505" or not error.get("constraint") or op["kind"] not in collisions.DATA_OPS:
        return
    connections.close_all()
    try:
        found = collisions.count(op["app"], op["migration"], op["index"], error["constraint"])
    except Exception:  # noqa: BLE001 -- the count is a courtesy; the failure itself is already known
        found = None
    if found:
        error["collisions"] = found


def handle(real_execute, cmd):
    from rehearse_runner import introspect

    if cmd["cmd"] == "introspect":
        return protocol.answer(introspect.introspect())
    if cmd["cmd"] == "applied":
        return protocol.answer(introspect.applied_rows())
    if cmd["cmd"] == "models":
        return protocol.answer(introspect.models())
    if cmd["cmd"] == "planto":
        return protocol.answer(introspect.plan_to(cmd["app"], cmd["target"]))
    if cmd["cmd"] == "sqlplan":
        from rehearse_runner.sqlplan import sql_plan

        return protocol.answer(sql_plan())
    if cmd["cmd"] == "manage":
        return run_manage(real_execute, cmd["argv"])
    return protocol.failure({"type": "UnknownCommand", "message": cmd["cmd"], "irreversible": False})


def exit_now():
    """Close the database connections and leave without the interpreter's own
    teardown: with Django and a project loaded, that teardown (every module's
    objects freed one by one) took 60-90 ms of every run's end, and it does nothing
    the operating system does not do when the process ends."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def serve(real_execute):
    import django

    # The project's own settings module, as --settings or manage.py's preamble chose it;
    # the shim imports it and then points DATABASES at the sandbox.
    original = os.environ.get("REHEARSE_ORIGINAL_SETTINGS") or os.environ.get("DJANGO_SETTINGS_MODULE")
    if not original:
        protocol.send(protocol.hello({"type": "ImproperlyConfigured", "irreversible": False,
                                      "message": "manage.py does not set DJANGO_SETTINGS_MODULE; pass --settings MODULE"}))
        return
    os.environ["REHEARSE_ORIGINAL_SETTINGS"] = original
    os.environ["DJANGO_SETTINGS_MODULE"] = SHIM
    try:
        django.setup()
        from rehearse_runner import offline

        offline.install()
    except BaseException as exc:  # noqa: BLE001
        protocol.send(protocol.hello(protocol.error_of(exc), traceback.format_exc()[-4000:]))
        return
    protocol.send(protocol.hello())
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        if cmd["cmd"] == "exit":
            exit_now()
        try:
            protocol.send(handle(real_execute, cmd))
        except BaseException as exc:  # noqa: BLE001
            protocol.send(protocol.failure(protocol.error_of(exc), traceback.format_exc()[-4000:]))


def main():
    manage_py = os.path.abspath(sys.argv[1])
    project = os.path.dirname(manage_py)
    sys.path.insert(0, project)
    os.chdir(project)
    unusable = django_unusable()
    if unusable:
        protocol.send(protocol.hello(unusable))
        return
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
