// Every observer of a rehearsal, in the order the pipeline calls them, and the
// facts they hand to the checks. A new observer is one file and one line here
// (plus its slot in ObservedFacts, if checks read what it saw).
import type pg from 'pg';
import type { DjangoRunner } from '../django/runner.js';
import type { Invariant } from '../playbook/schema.js';
import type { Events } from '../report/events.js';
import type { ConnInfo, TableFiles } from '../sandbox/provider.js';
import { DataWatch } from './data/watch.js';
import type { DataFacts } from './data/facts.js';
import { InvariantWatch, type InvariantResult } from './invariants.js';
import { LockWatch, type LockFacts } from './locks/watch.js';
import type { Observer } from './observer.js';
import { SchemaWatch, type SchemaFacts } from './schema-watch.js';

/** What the observers saw, for the checks. */
export interface ObservedFacts {
  schema: SchemaFacts;
  data: DataFacts;
  invariants: InvariantResult[];
  locks: LockFacts;
}

export interface ObserverContext {
  /** The observer's own connection to the work database. */
  client: pg.Client;
  work: ConnInfo;
  template: ConnInfo;
  invariants: readonly Invariant[];
  events: Events;
  /** The Django runner (the lock watch asks it for the migrations' SQL). */
  runner: () => Promise<DjangoRunner>;
  /** --probe-traffic: a connection to the work database for the traffic probe. */
  probe?: ConnInfo;
}

export class Observers {
  private readonly schema = new SchemaWatch();
  private readonly invariants: InvariantWatch;
  private readonly data: DataWatch;
  private readonly locks: LockWatch;
  readonly all: readonly Observer[];

  constructor(ctx: ObserverContext) {
    this.invariants = new InvariantWatch(ctx.client, ctx.invariants);
    this.data = new DataWatch(ctx.client, ctx.work, ctx.template, ctx.events);
    this.locks = new LockWatch(ctx.client, ctx.runner, ctx.events, ctx.probe);
    // The lock watch goes first: its WAL position and traffic probe must be the last thing before a change.
    this.all = [this.schema, this.invariants, this.data, this.locks];
  }

  /** The tables whose files the pending migrations' SQL opens (after the baseline). */
  tablesOpened(): TableFiles[] {
    return this.locks.tablesOpened();
  }

  /** What they saw; undefined before the baseline was read. */
  async facts(): Promise<ObservedFacts | undefined> {
    const schema = this.schema.result();
    if (!schema) return undefined;
    return { schema, data: await this.data.finish(), invariants: this.invariants.results, locks: this.locks.facts() };
  }

  /** What they have seen so far, changing nothing (the interactive pause); undefined before the baseline. */
  async peek(): Promise<ObservedFacts | undefined> {
    const schema = this.schema.result();
    if (!schema) return undefined;
    return { schema, data: this.data.peek(), invariants: this.invariants.results, locks: this.locks.facts() };
  }

  async close(): Promise<void> {
    for (const o of this.all) await o.close?.();
  }
}
