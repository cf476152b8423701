// The work database as a copy of the template's files, made while the server
// is stopped: a thin clone (an overlay mount, ./overlay.ts) where this machine
// allows one, else a copy. This is what CREATE DATABASE ... STRATEGY FILE_COPY does (copy
// the template's directory as it is), but PostgreSQL copies 64 kB at a time
// through read() and write(), where cp uses copy_file_range (or a reflink,
// where the filesystem has them): on a 3.2 GB template here, 12 s against a
// stop, a copy and a start of a few seconds. See `npm run bench`.
//
// The catalog row comes from an ordinary CREATE DATABASE of template0 (tiny),
// and the files under it are then replaced. That CREATE DATABASE writes some
// 300 files, 0.1-0.35 s on a disk slow to create files (see README, What it
// costs): where the snapshot is big enough that a clone by files is likely,
// it is made while the restore runs (prepareCloneRow), off the critical path.
// Its datfrozenxid is template0's,
// older than any transaction in the copied files, so PostgreSQL's wraparound
// bookkeeping stays on the safe side. Relation files carry their own
// relfilenodes, and their catalogs come with them, exactly as in FILE_COPY.
// The server removes the relcache init files on start.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { copyTree } from '../../copy-tree.js';
import { CannotRehearseError } from '../../errors.js';
import { createDatabase, ident, withClient } from '../../db.js';
import { overlayPossible } from './overlay.js';
import type { ConnInfo } from '../provider.js';

export interface StoppableServer {
  conn(database: string): ConnInfo;
  whileStopped(fn: (dataDir: string) => Promise<void>): Promise<void>;
  /** A thin clone (./overlay.ts): `lower`'s files seen at `target` without a copy; false where it cannot be made. */
  mountClone?(lower: string, target: string): Promise<boolean>;
}

/**
 * Below these, PostgreSQL's own clone is quicker than a stop and a start
 * (measured here: a copy 0.3 s against 0.5 s at 0.3 GB; a thin clone 0.45 s
 * against 0.8 s at 0.4 GB, its fixed cost about 0.35 s).
 * REHEARSE_FILE_CLONE_FROM_BYTES moves both (the tests clone small snapshots
 * by files with 0).
 */
const FROM_ENV = process.env.REHEARSE_FILE_CLONE_FROM_BYTES;
const COPY_FROM_BYTES = Number(FROM_ENV || 512 * 1024 ** 2);
const THIN_FROM_BYTES = Number(FROM_ENV || 256 * 1024 ** 2);

/**
 * Whether a template restored from a dump of `dumpBytes` will likely be cloned
 * by files: dumps are compressed, and restore to several times their size (6
 * to 14 times for the bench's custom dumps and a held-out shape's). A guess
 * that is wrong costs a dropped empty database (cloneByFiles).
 */
export function likelyClonedByFiles(dumpBytes: number, thin: boolean): boolean {
  return dumpBytes * 16 >= cloneFromBytes(thin);
}

/** The template size from which a clone is made by files: thin (where a mount can be made) or copied. */
function cloneFromBytes(thin: boolean): number {
  return thin && overlayPossible() ? THIN_FROM_BYTES : COPY_FROM_BYTES;
}

/** The clone's database row, made ahead (an empty database, from template0), for cloneByFiles to fill. */
export function prepareCloneRow(admin: ConnInfo, name: string): Promise<void> {
  return withClient(admin, async (c) => {
    await c.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0`);
  });
}

export interface CloneOptions {
  /** Below this many bytes, PostgreSQL's own clone (default: the thresholds above). */
  fromBytes?: number;
  /** A thin clone where the server can mount one (default true). */
  thin?: boolean;
  /** The clone's row, made ahead by prepareCloneRow (dropped where PostgreSQL's own clone is used). */
  prepared?: Promise<void> | undefined;
}

/** Returns how the clone was made where it was not a copy. */
export async function cloneByFiles(server: StoppableServer, name: string, template: string, o: CloneOptions = {}): Promise<string | void> {
  const thin = o.thin ?? true;
  // A row made ahead that failed is made again below, where its error is reported.
  const prepared = o.prepared ? await o.prepared.then(() => true, () => false) : false;
  const bytes = await withClient(server.conn('postgres'), async (c) =>
    Number((await c.query<{ n: string }>('SELECT pg_database_size($1) AS n', [template])).rows[0]!.n));
  const threshold = o.fromBytes ?? cloneFromBytes(thin && !!server.mountClone);
  const ownClone = async () => {
    if (prepared) await withClient(server.conn('postgres'), (c) => c.query(`DROP DATABASE ${ident(name)}`));
    return createDatabase(server.conn('postgres'), name, template);
  };
  if (bytes < threshold) return ownClone();
  // Relations outside the default tablespace live outside base/OID: only
  // PostgreSQL's own clone handles them (a restore here never makes any, but a
  // snapshot could carry them through a plain SQL dump). The shared catalogs'
  // pg_global is not one of them: it is not copied by either.
  const elsewhere = await withClient(server.conn(template), async (c) =>
    (await c.query(`SELECT 1 FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
      WHERE t.spcname <> 'pg_global' LIMIT 1`)).rowCount !== 0);
  if (elsewhere) return ownClone();
  const oids = await withClient(server.conn('postgres'), async (c) => {
    if (!prepared) await c.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0`);
    const rows = (await c.query<{ oid: string; datname: string }>(
      'SELECT oid::text, datname FROM pg_database WHERE datname = ANY($1)', [[name, template]])).rows;
    return Object.fromEntries(rows.map((r) => [r.datname, r.oid]));
  });
  const from = oids[template];
  const to = oids[name];
  if (!from || !to) throw new CannotRehearseError(`cannot clone ${template} to ${name}: a database is missing`);
  let how: string | undefined;
  await server.whileStopped(async (data) => {
    const dest = path.join(data, 'base', to);
    rmSync(dest, { recursive: true, force: true });
    if (thin && server.mountClone && (await server.mountClone(path.join(data, 'base', from), dest))) {
      how = 'a thin clone: a table\'s files are copied when it is first opened';
      return;
    }
    await copyTree(path.join(data, 'base', from), dest).catch((err: Error) => {
      throw new CannotRehearseError(`cannot copy the template's files: ${err.message}`);
    });
  });
  return how;
}
