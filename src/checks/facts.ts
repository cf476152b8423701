// What the rehearsal saw, handed to every check. Checks are pure functions of
// these facts: they never touch the database or Django themselves.
import type { Introspection, MigrationKey } from '../django/introspection.js';
import type { DataFacts } from '../observe/data-watch.js';
import type { InvariantResult } from '../observe/invariants.js';
import type { Fingerprint } from '../observe/fingerprint.js';
import type { FindingWithPatch, MigrationRecord } from '../report/model.js';

export interface Facts {
  projectDir: string;
  intro: Introspection;
  /** One record per plan entry, in plan order. */
  migrations: MigrationRecord[];
  schema: {
    baseline: Fingerprint;
    /** forward[i]: after applying plan entry i (undefined if it did not apply). */
    forward: Array<Fingerprint | undefined>;
    /** backward[i]: after reverting plan entry i (undefined if it was not reverted). */
    backward: Array<Fingerprint | undefined>;
    /** After the whole reforward, if it ran to the end. */
    reforward?: Fingerprint;
  };
  /** django_migrations rows after the backward run, if it ran to the end. */
  appliedAfterBackward?: MigrationKey[];
  /** Exact data losses, forward and after the rollback (see observe/data-watch.ts). */
  data: DataFacts;
  /** The playbook's SQL invariants, as evaluated (see observe/invariants.ts). */
  invariants: InvariantResult[];
  /** Identifiers that may appear in messages (see report/redact.ts). */
  identifiers: ReadonlySet<string>;
}

/** A finding before policy is applied; `patch` becomes a file in --report-dir/diffs. */
export type Draft = Omit<FindingWithPatch, 'allowed'>;

export interface Check {
  /** The finding codes this check can raise. */
  codes: readonly string[];
  run(facts: Facts): Draft[];
}
