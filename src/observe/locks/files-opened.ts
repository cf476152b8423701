// Which of a table's files a migration statement makes PostgreSQL open, read
// from the statement's text. A thin clone copies a file up, whole, the first
// time the work database opens it (src/sandbox/local/overlay.ts), so the files
// a release will open are brought in before anything is timed, and only
// those: on the bench's 3.2 GB snapshot, bringing in every file of every
// table named cost 12 s, for a release that opens a third of them.
//
//   heap  the table's own file and its TOAST (what a scan reads): CREATE
//         INDEX, SET NOT NULL, a column added with NOT NULL and no default,
//         or with UNIQUE or CHECK, a constraint added or validated;
//   all   the heap and every index on it: DML (it keeps the indexes up to
//         date), both tables of a foreign key (its check is a join that may
//         read their indexes), a rewrite (a type change, a default that is
//         not a constant) and DROP TABLE, and anything not recognised. Dropping
//         a relation's file opens it too: PostgreSQL truncates it at commit to
//         free the space at once, and an overlay copies a file up to truncate it.
// A statement that only changes the catalog (a column added with no default or
// a constant one, a column or constraint dropped, a rename) opens none of the
// files. DROP INDEX names an index, which is brought in as a relation of its own.
// A file that is missed is still copied up when it is opened, inside the
// migration: the cost is a slower step, not a wrong verdict.

export type Reach = 'heap' | 'all';

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`(?:${NAME}\s*\.\s*)?(${NAME})`;
const NAME_LIST_ITEM = String.raw`(?:${NAME}\s*\.\s*)?${NAME}`;
/** A constant as Django writes one into a default: a number, a string (cast or not), a boolean or NULL. */
const LITERAL = String.raw`(?:'(?:[^']|'')*'(?:::[\w ]+(?:\([\d, ]+\))?)?|-?\d+(?:\.\d+)?|TRUE|FALSE|NULL)(?![\w(])`;
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
  const add = (t: string, r: Reach) => widen(into, t, r);
  const references = new RegExp(String.raw`\bREFERENCES\s+${QUALIFIED}`, 'i').exec(action);
  if (/^ADD\b/i.test(action)) {
    // A constant default is stored once in the catalog (PostgreSQL 11's fast
    // default), and NOT NULL then holds without a look; any other default rewrites.
    const constraint = /^ADD\s+(?:CONSTRAINT|UNIQUE|PRIMARY|CHECK|FOREIGN|EXCLUDE)\b/i.test(action);
    const column = action.replace(new RegExp(String.raw`\bDEFAULT\s+${LITERAL}(?:\s+NOT\s+NULL\b)?`, 'i'), ' ');
    if (constraint ? /\bNOT\s+VALID\b/i.test(action) : !/\b(?:DEFAULT|NOT\s+NULL|REFERENCES|UNIQUE|PRIMARY\s+KEY|CHECK|GENERATED)\b/i.test(column)) return;
    // A foreign key is checked by a join of both tables, which may read either's indexes.
    add(table, references || (!constraint && /\b(?:DEFAULT|GENERATED)\b/i.test(column)) ? 'all' : 'heap');
    if (references) add(AS_NAME(references[1]!), 'all');
    return;
  }
  if (/^(?:ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL|VALIDATE\s+CONSTRAINT)\b/i.test(action)) {
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
  const dropped = new RegExp(String.raw`^DROP\s+(TABLE|INDEX)\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?((?:${NAME_LIST_ITEM}\s*,?\s*)+)`, 'i').exec(sql);
  if (dropped) {
    const names = [...dropped[2]!.matchAll(new RegExp(QUALIFIED, 'g'))].map((m) => AS_NAME(m[1]!)).filter((n) => !/^(?:cascade|restrict)$/.test(n));
    for (const n of names) out.set(n, dropped[1]!.toUpperCase() === 'TABLE' ? 'all' : 'heap');
    return out;
  }
  // New objects open no existing table's files (a table made AS SELECT reads its source).
  if (/^(?:DROP\s+(?:SEQUENCE|VIEW)|CREATE\s+(?:SEQUENCE|VIEW)|COMMENT\s+ON|SET\s+CONSTRAINTS|ALTER\s+(?:INDEX|SEQUENCE))\b/i.test(sql)) return out;
  if (/^CREATE\s+TABLE\b/i.test(sql) && !/\bAS\s+(?:SELECT|TABLE|VALUES|WITH)\b/i.test(sql)) return out;
  for (const t of namedAnywhere(sql)) out.set(t, 'all');
  return out;
}

/** A table's reach widened to `r` (never narrowed: all stays all). */
function widen(into: Map<string, Reach>, table: string, r: Reach): void {
  if (into.get(table) !== 'all') into.set(table, r);
}

/** The reach of several statements together: the widest per table. */
export function mergeReach(into: Map<string, Reach>, more: Map<string, Reach>): void {
  for (const [t, r] of more) widen(into, t, r);
}
