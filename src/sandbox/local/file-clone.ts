// The work database as a copy of the template's files: a thin clone (an
// overlay mount, ./overlay.ts) where this machine allows one, else a copy. This
// is what CREATE DATABASE ... STRATEGY FILE_COPY does (a checkpoint, then the
// template's directory copied as it is), but PostgreSQL copies 64 kB at a time
// through read() and write(), where cp uses copy_file_range (or a reflink,
// where the filesystem has them), and a mount copies nothing: on a 3.2 GB
// template here, 12 s against a mount. See `npm run bench`.
//
// The catalog row is an empty database copied from template0 by its files
// (emptyDatabase, ../../db.ts): no page of it is ever in shared buffers, so its files can be
// replaced under the running server, as FILE_COPY replaces nothing but writes
// a new directory. It comes from the blank cluster (./blank-cluster.ts), or is
// made while the restore runs (prepareCloneRow): a CREATE DATABASE writes some
// 300 files, 0.1-0.35 s on a disk slow to create files (see README, What it
// costs). Its datfrozenxid is template0's, older than any transaction in the
// copied files, so PostgreSQL's wraparound bookkeeping stays on the safe side.
// Relation files carry their own relfilenodes, and their catalogs come with
// them, exactly as in FILE_COPY. The template's relcache init file is not the
// clone's: it is hidden (a mount) or removed (a copy).
//
// The server keeps running (0.05 s against a stop and a start of 0.15-0.3 s):
// a CHECKPOINT first writes the template's pages out, and nothing writes the
// template after its restore. A CHECKPOINT leaves unlogged tables' pages in
// shared buffers (only a shutdown writes those), so a template that has any is
// cloned with the server stopped.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { copyTree } from '../../copy-tree.js';
import { CannotRehearseError } from '../../errors.js';
import { createDatabase, emptyDatabase, ident, withClient } from '../../db.js';
import { overlayPossible, unmountUnder } from './overlay.js';
import type { ConnInfo } from '../provider.js';

export interface CloningServer {
  conn(database: string): ConnInfo;
  /** The server's data directory. */
  readonly dataDir: string;
  whileStopped(fn: (dataDir: string) => Promise<void>): Promise<void>;
  /** A thin clone (./overlay.ts): `lower`'s files seen at `target` without a copy; false where it cannot be made. */
  mountClone?(lower: string, target: string): Promise<boolean>;
}

/**
 * Below these, PostgreSQL's own clone was quicker, when a clone by files
 * stopped and started the server (measured then: a copy 0.3 s against 0.5 s at
 * 0.3 GB; a thin clone 0.45 s against 0.8 s at 0.4 GB, its fixed cost about
 * 0.35 s; now a thin clone's is about 0.05 s, and these are worth measuring again).
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

/** The clone's database row, made ahead while the restore runs, for cloneByFiles to fill. */
export function prepareCloneRow(admin: ConnInfo, name: string): Promise<void> {
  return emptyDatabase(admin, name);
}

export interface CloneOptions {
  /** Below this many bytes, PostgreSQL's own clone (default: the thresholds above). */
  fromBytes?: number;
  /** A thin clone where the server can mount one (default true). */
  thin?: boolean;
  /**
   * The clone's row, made ahead by prepareCloneRow or in the blank cluster, never
   * connected to (dropped where PostgreSQL's own clone is used).
   */
  prepared?: Promise<void> | undefined;
}

/** Returns how the clone was made where it was not a copy. */
export async function cloneByFiles(server: CloningServer, name: string, template: string, o: CloneOptions = {}): Promise<string | void> {
  const thin = o.thin ?? true;
  // A row made ahead that failed is made again below, where its error is reported.
  const prepared = o.prepared ? await o.prepared.then(() => true, () => false) : false;
  return withClient(server.conn('postgres'), async (admin) => {
    const one = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows[0] as Record<string, string> | undefined;
    const oidOf = async (db: string) => {
      const oid = (await one('SELECT oid::text FROM pg_database WHERE datname = $1', [db]))?.oid;
      if (!oid) throw new CannotRehearseError(`cannot clone ${template} to ${name}: ${db} is missing`);
      return oid;
    };
    const bytes = Number((await one('SELECT pg_database_size($1) AS n', [template]))!.n);
    const threshold = o.fromBytes ?? cloneFromBytes(thin && !!server.mountClone);
    const ownClone = async () => {
      if (prepared) {
        // A row from the blank cluster is a mount (./blank-cluster.ts): away with
        // it first, or DROP DATABASE would write a whiteout for each of its files.
        await unmountUnder(path.join(server.dataDir, 'base', await oidOf(name)));
        await admin.query(`DROP DATABASE ${ident(name)}`);
      }
      return createDatabase(server.conn('postgres'), name, template);
    };
    if (bytes < threshold) return ownClone();
    // Relations outside the default tablespace live outside base/OID: only
    // PostgreSQL's own clone handles them (a restore here never makes any, but a
    // snapshot could carry them through a plain SQL dump). The shared catalogs'
    // pg_global is not one of them: it is not copied by either.
    const { elsewhere, unlogged } = await withClient(server.conn(template), async (c) => (await c.query<{ elsewhere: boolean; unlogged: boolean }>(`
      SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE t.spcname <> 'pg_global') AS elsewhere,
        EXISTS (SELECT 1 FROM pg_class WHERE relpersistence = 'u') AS unlogged`)).rows[0]!);
    if (elsewhere) return ownClone();
    if (!prepared) await emptyDatabase(server.conn('postgres'), name);
    const from = await oidOf(template);
    const to = await oidOf(name);
    let how: string | undefined;
    const replace = async (data: string) => {
      const dest = path.join(data, 'base', to);
      await unmountUnder(dest);
      rmSync(dest, { recursive: true, force: true });
      if (thin && server.mountClone && (await server.mountClone(path.join(data, 'base', from), dest))) {
        how = 'a thin clone: a table\'s files are copied when it is first opened';
        return;
      }
      await copyTree(path.join(data, 'base', from), dest).catch((err: Error) => {
        throw new CannotRehearseError(`cannot copy the template's files: ${err.message}`);
      });
      rmSync(path.join(dest, 'pg_internal.init'), { force: true });
    };
    if (unlogged) {
      await server.whileStopped(replace);
    } else {
      await admin.query('CHECKPOINT');
      await replace(server.dataDir);
    }
    return how;
  });
}
