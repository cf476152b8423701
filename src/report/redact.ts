// Error messages from the database or from a migration's own code can quote
// row values ("invalid input syntax for type integer: "abc""). Reports and logs
// get names and counts only: a quoted token survives only if it is a known
// identifier (a table, column, constraint... of the schema, or a diag field).
const QUOTED = /"([^"\n]*)"|'([^'\n]*)'/g;

export function redact(message: string, identifiers: ReadonlySet<string>): string {
  return message.replace(QUOTED, (whole, dq: string | undefined, sq: string | undefined) => {
    const inner = dq ?? sq ?? '';
    if (identifiers.has(inner)) return whole;
    // schema.table or app.migration style names are identifiers if every part is.
    if (inner.includes('.') && inner.split('.').every((p) => identifiers.has(p))) return whole;
    return dq !== undefined ? '"…"' : "'…'";
  });
}

/** Every identifier-looking token of some catalog text. */
export function identifiersIn(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/[A-Za-z_][A-Za-z0-9_$]*/g)) out.add(m[0]);
  return out;
}

/**
 * A step's error message, safe for reports. PostgreSQL's primary messages quote
 * only identifiers, except for data exceptions (class 22: "invalid input syntax
 * for type integer: "abc""); those, and errors raised by a migration's own Python
 * code (no SQLSTATE), keep only quoted tokens that are known identifiers.
 */
export function redactError(err: { message: string; sqlstate?: string }, identifiers: ReadonlySet<string>): string {
  if (err.sqlstate && !err.sqlstate.startsWith('22')) return err.message;
  return redact(err.message, identifiers);
}
