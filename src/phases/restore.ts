// restore: the snapshot into the template database (the pristine "before",
// never migrated), then a clone of it to work on. Django loads meanwhile; a
// broken project fails as fast as a broken dump, whichever comes first.
import { formatBytes } from '../format.js';
import { restoreSnapshot } from '../snapshot/restore.js';
import type { Step } from './step.js';

export const restore: Step = {
  kind: 'restore',
  async run({ session, events }) {
    const { snapshot } = session.config;
    const { template, work } = session.databases;
    // The clone's row is made while Django loads (and the snapshot restores).
    session.sandbox.prepareClone?.(work, snapshot.bytes);
    if (session.sandbox.seeded) {
      // The template came from the cache, restored and ANALYZEd by an earlier run.
      events.phase('restore', 'skipped: the cached template of this snapshot');
      await session.runner();
    } else {
      events.phase('restore', `${snapshot.format} snapshot, ${formatBytes(snapshot.bytes)}` +
        (snapshot.serverVersion ? `, dumped from PostgreSQL ${snapshot.serverVersion}` : ''));
      const restored = events.timed('restoreMs', () =>
        restoreSnapshot(snapshot, session.sandbox, template, (text) => events.emit({ type: 'tick', text: `restore: ${text}` })));
      restored.catch(() => {});
      await Promise.all([session.runner(), restored]);
      session.cleanup.throwIfInterrupted();
    }
    session.templateReady = true;
    const t0 = Date.now();
    const how = await events.timed('cloneMs', () => session.sandbox.createDatabase(work, template));
    const took = `${((Date.now() - t0) / 1000).toFixed(1)} s${how ? ` (${how})` : ''}`;
    events.note(session.sandbox.seeded ? `cached template cloned to ${work} in ${took}` : `restored into ${template}, cloned to ${work} in ${took}`);
    await session.openObservers();
  },
};
