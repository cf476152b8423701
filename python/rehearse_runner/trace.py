"""Every statement a migration runs, with the locks it took, exactly.

Installed with Django's `connection.execute_wrapper` around `migrate`: for each
statement, the operation it belongs to, its text with every literal replaced by
`?` (no values), when it started and how long it took. After a schema statement
(not a plain SELECT/INSERT/UPDATE/DELETE, whose table locks block only DDL),
the relation locks the migration's own backend now holds are read from
pg_locks, so the statement that first took each lock is known exactly. A lock
taken inside a transaction is held until commit or rollback, whose moments are
recorded too; in autocommit (a non-atomic migration) a statement's locks last
as long as the statement, and are named from its text.
"""
import re
import time

from . import operations

STRING = re.compile(r"'(?:[^']|'')*'")
NUMBER = re.compile(r"(?<![\w\"])-?\d+(?:\.\d+)?(?![\w\"])")
DML = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)
MAX_SQL = 300

LOCKS = """SELECT c.oid::int8, l.mode, n.nspname, c.relname, greatest(c.reltuples, 0)::int8, pg_relation_size(c.oid)
FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"""

# Autocommit statements cannot be looked at after they end: their lock, by what they are.
INFERRED = [
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY", re.I), "ShareUpdateExclusiveLock"),
    (re.compile(r"^\s*(DROP|REINDEX)\s+INDEX\s+CONCURRENTLY", re.I), "ShareUpdateExclusiveLock"),
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX", re.I), "ShareLock"),
    (re.compile(r"^\s*ALTER\s+TABLE\s+\S+\s+VALIDATE\s+CONSTRAINT", re.I), "ShareUpdateExclusiveLock"),
    (re.compile(r"^\s*(ALTER|DROP|TRUNCATE)\s+TABLE", re.I), "AccessExclusiveLock"),
    (re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I), "RowExclusiveLock"),
]
TABLE = re.compile(r'\b(?:TABLE|ON|INTO|UPDATE|FROM)\s+(?:ONLY\s+|IF\s+EXISTS\s+|CONCURRENTLY\s+\S+\s+ON\s+)?((?:"[^"]+"\.)?"[^"]+"|\w+)', re.I)


def strip_literals(sql):
    """Strings everywhere, numbers in statements that carry data (a varchar(150) in DDL is no value)."""
    text = STRING.sub("?", " ".join(sql.split()))
    return (NUMBER.sub("?", text) if DML.match(text) else text)[:MAX_SQL]


class Trace:
    def __init__(self, connection):
        self.connection = connection
        self.started = time.perf_counter()
        self.statements = []
        self.ends = []
        self.held = set()

    def _ms(self, t):
        return round((t - self.started) * 1000, 2)

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._record(sql, start, time.perf_counter())

    def _record(self, sql, start, end):
        op = operations.RUNNING["op"]
        in_tx = bool(self.connection.in_atomic_block)
        if op is None and not in_tx:
            return  # Django's bookkeeping after the migration (content types, permissions)
        locks, inferred = ([], False)
        if not DML.match(sql):
            locks, inferred = (self._new_locks(), False) if in_tx else (self._infer(sql), True)
        self.statements.append({
            "op": op["index"] if op else None, "kind": op["kind"] if op else None,
            "sql": strip_literals(sql), "at": self._ms(start), "ms": round((end - start) * 1000, 2),
            "inTransaction": in_tx, "locks": locks, "inferred": inferred,
        })

    def _new_locks(self):
        try:
            with self.connection.connection.cursor() as cursor:  # the raw connection: not through this wrapper
                cursor.execute(LOCKS)
                rows = cursor.fetchall()
        except Exception:  # noqa: BLE001 -- an aborted transaction: the statement failed, nothing more to learn
            return []
        new = []
        for oid, mode, schema, table, rows_, size in rows:
            if (oid, mode) in self.held:
                continue
            self.held.add((oid, mode))
            new.append({"oid": oid, "schema": schema, "table": table, "mode": mode, "rows": rows_, "bytes": size})
        return new

    def _infer(self, sql):
        for pattern, mode in INFERRED:
            if pattern.match(sql):
                m = TABLE.search(sql)
                if m:
                    return [{"oid": 0, "schema": "", "table": m.group(1).split(".")[-1].strip('"'), "mode": mode, "rows": -1, "bytes": -1}]
        return []

    def transaction_ended(self):
        self.ends.append(self._ms(time.perf_counter()))
        self.held.clear()

    def result(self):
        return {"statements": self.statements, "ends": self.ends, "ms": self._ms(time.perf_counter())}


class traced:
    """with traced(connection) as trace: ... -- every statement recorded, commits and rollbacks timed."""

    def __init__(self, connection):
        self.connection = connection
        self.trace = Trace(connection)

    def __enter__(self):
        c, trace = self.connection, self.trace
        self._commit, self._rollback = c.commit, c.rollback

        def commit(*a, **k):
            try:
                return self._commit(*a, **k)
            finally:
                trace.transaction_ended()

        def rollback(*a, **k):
            try:
                return self._rollback(*a, **k)
            finally:
                trace.transaction_ended()

        c.commit, c.rollback = commit, rollback
        self._wrapper = c.execute_wrapper(trace)
        self._wrapper.__enter__()
        return trace

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        del self.connection.commit
        del self.connection.rollback
        return False
