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

/** What may appear of an error's message: the schema's identifiers, and whether only they may (--redact strict). */
export interface Redaction {
  identifiers: ReadonlySet<string>;
  strict: boolean;
}

/**
 * A step's error message, safe for reports. PostgreSQL's primary messages quote
 * only identifiers, except for data exceptions (class 22: "invalid input syntax
 * for type integer: "abc""); those, and errors raised by a migration's own Python
 * code (no SQLSTATE), keep only quoted tokens that are known identifiers; the
 * rest of a Python message stays (the team's own words). With --redact strict,
 * nothing of the message stays but the exception type, the sqlstate and the
 * known identifiers it names.
 */
export function redactError(err: { type?: string; message: string; sqlstate?: string }, r: Redaction): string {
  if (r.strict) {
    const named = [...err.message.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? '')
      .filter((t) => r.identifiers.has(t) || (t.includes('.') && t.split('.').every((p) => r.identifiers.has(p))));
    return `${err.type ?? 'Error'}${err.sqlstate ? ` (SQLSTATE ${err.sqlstate})` : ''}${named.length ? ` on ${[...new Set(named)].join(', ')}` : ''}`;
  }
  if (err.sqlstate && !err.sqlstate.startsWith('22')) return err.message;
  return redact(err.message, r.identifiers);
}
