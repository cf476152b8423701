// Which of a table's files a migration statement makes PostgreSQL open, read
// from the statement's text. A thin clone copies a file up, whole, the first
// time the work database opens it (src/sandbox/local/overlay.ts), so the files
// a release will open are brought in before anything is timed, and only
// those: on the bench's 3.2 GB snapshot, bringing in every file of every
// table named cost 12 s, for a release that opens a third of them.
//
//   heap  the table's own file and its TOAST (what a scan or a rewrite reads):
//         CREATE INDEX, SET NOT NULL, a type change, a column added with a
//         default, NOT NULL, UNIQUE or CHECK, a constraint validated;
//   all   the heap and every index on it (DML keeps its indexes up to date):
//         UPDATE, DELETE, INSERT, both tables of a foreign key (its check is a
//         join that may read their indexes), and any statement not recognised.
// A statement that only changes the catalog (a nullable column added without a
// default, a column or constraint dropped, a rename) opens none of the files.
// A file that is missed is still copied up when it is opened, inside the
// migration: the cost is a slower step, not a wrong verdict.

export type Reach = 'heap' | 'all';

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`(?:${NAME}\s*\.\s*)?(${NAME})`;
const AS_NAME = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase());

/** Every table name a statement names after one of the words that introduce one. */
function namedAnywhere(sql: string): string[] {
  const re = new RegExp(String.raw`\b(?:TABLE|ON|INTO|UPDATE|FROM|JOIN|REFERENCES)\s+(?:ONLY\s+|IF\s+(?:NOT\s+)?EXISTS\s+)*${QUALIFIED}`, 'gi');
  return [...sql.matchAll(re)].map((m) => AS_NAME(m[1]!));
}

/** Split on commas outside parentheses and quotes (ALTER TABLE's actions). */
function actions(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((a) => a.trim()).filter(Boolean);
}

const CATALOG_ONLY = /^(?:DROP\s+(?:COLUMN|CONSTRAINT)|RENAME|ALTER\s+(?:COLUMN\s+)?\S+\s+(?:DROP\s+DEFAULT|SET\s+DEFAULT|DROP\s+NOT\s+NULL|SET\s+STATISTICS|DROP\s+IDENTITY)|OWNER\s+TO|SET\s+SCHEMA)\b/i;

/** One ALTER TABLE action's reach on its table, and on a table it references. */
function alterAction(action: string, table: string, into: Map<string, Reach>): void {
  if (CATALOG_ONLY.test(action)) return;
  const add = (t: string, r: Reach) => {
    if (into.get(t) !== 'all') into.set(t, r);
  };
  const references = new RegExp(String.raw`\bREFERENCES\s+${QUALIFIED}`, 'i').exec(action);
  if (/^ADD\b/i.test(action)) {
    // A column makes PostgreSQL look at the rows only with a default, NOT NULL or
    // a constraint on it; a constraint does unless it is NOT VALID.
    const constraint = /^ADD\s+(?:CONSTRAINT|UNIQUE|PRIMARY|CHECK|FOREIGN|EXCLUDE)\b/i.test(action);
    if (constraint ? /\bNOT\s+VALID\b/i.test(action) : !/\b(?:DEFAULT|NOT\s+NULL|REFERENCES|UNIQUE|PRIMARY\s+KEY|CHECK|GENERATED)\b/i.test(action)) return;
    // A foreign key is checked by a join of both tables, which may read either's indexes.
    add(table, references ? 'all' : 'heap');
    if (references) add(AS_NAME(references[1]!), 'all');
    return;
  }
  if (/^(?:ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+NOT\s+NULL|(?:SET\s+DATA\s+)?TYPE)|VALIDATE\s+CONSTRAINT)\b/i.test(action)) {
    add(table, 'heap');
    return;
  }
  into.set(table, 'all');
}

/** The tables a statement makes PostgreSQL open, and how much of each. */
export function filesOpened(statement: string): Map<string, Reach> {
  const sql = statement.replace(/--[^\n]*/g, ' ').trim().replace(/;\s*$/, '');
  const out = new Map<string, Reach>();
  const index = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s+)?ON\s+(?:ONLY\s+)?${QUALIFIED}`, 'i').exec(sql);
  if (index) return out.set(AS_NAME(index[1]!), 'heap');
  const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${QUALIFIED}\s+([\s\S]*)$`, 'i').exec(sql);
  if (alter) {
    for (const a of actions(alter[2]!)) alterAction(a, AS_NAME(alter[1]!), out);
    return out;
  }
  // New or dropped objects open no existing table's files (a table made AS SELECT reads its source).
  if (/^(?:DROP\s+(?:TABLE|INDEX|SEQUENCE|VIEW)|CREATE\s+(?:SEQUENCE|VIEW)|COMMENT\s+ON|SET\s+CONSTRAINTS|ALTER\s+(?:INDEX|SEQUENCE))\b/i.test(sql)) return out;
  if (/^CREATE\s+TABLE\b/i.test(sql) && !/\bAS\s+(?:SELECT|TABLE|VALUES|WITH)\b/i.test(sql)) return out;
  for (const t of namedAnywhere(sql)) out.set(t, 'all');
  return out;
}

/** The reach of several statements together: the widest per table. */
export function mergeReach(into: Map<string, Reach>, more: Map<string, Reach>): void {
  for (const [t, r] of more) if (into.get(t) !== 'all') into.set(t, r);
}
