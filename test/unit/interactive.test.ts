import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playbookOf, savePlaybook, type Choices } from '../../src/interactive/choices.js';
import { findSnapshots } from '../../src/interactive/snapshots.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { SNAPSHOTS } from '../helpers/paths.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-ia-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const base: Omit<Choices, 'target'> = { probeTraffic: false, failOnWarnings: true, allowIrreversible: ['shop.0003_x'], maxLockMs: 500, pause: 'never' };

describe('interactive choices', () => {
  it.each([
    [{ kind: 'all' } as const, ['restore', 'baseline', 'forward', { checkpoint: 'deployed' }, 'backward', 'reforward']],
    [{ kind: 'upto', app: 'shop', name: '0003_x' } as const, ['restore', 'baseline', { migrate: { app: 'shop', to: '0003_x' } }, { checkpoint: 'deployed' }, 'backward', 'reforward']],
    [{ kind: 'drill', app: 'shop', name: '0003_x' } as const, ['restore', 'baseline', 'forward', { checkpoint: 'deployed' }, { migrate: { app: 'shop', to: '0003_x' } }, { checkpoint: 'rolled-back' }, 'reforward']],
    [{ kind: 'drill-snapshot' } as const, ['restore', 'baseline', 'forward', { checkpoint: 'deployed' }, { migrate: 'snapshot' }, { checkpoint: 'rolled-back' }, 'reforward']],
  ])('%j saves as a playbook that loads back the same', (target, steps) => {
    const pb = playbookOf({ target, ...base });
    expect(pb.steps).toEqual(steps);
    const file = path.join(scratch, `${target.kind}.yml`);
    savePlaybook(pb, file);
    const again = loadPlaybook(file);
    expect(again.steps).toEqual(steps);
    expect(again.policy).toEqual(expect.objectContaining({ failOnWarnings: true, allowIrreversible: ['shop.0003_x'], maxLockMs: 500 }));
  });

  it('offers the dumps in the project, newest first, and not a .sql that pg_dump did not write', async () => {
    const project = path.join(scratch, 'project');
    mkdirSync(path.join(project, 'snapshots'), { recursive: true });
    copyFileSync(path.join(SNAPSHOTS, 'base.dump'), path.join(project, 'snapshots', 'prod.dump'));
    copyFileSync(path.join(SNAPSHOTS, 'base.sql'), path.join(project, 'prod.sql'));
    writeFileSync(path.join(project, 'seed.sql'), 'INSERT INTO t VALUES (1);\n');
    const found = (await findSnapshots(project)).filter((f) => f.info.path.startsWith(project));
    expect(found.map((f) => [path.relative(project, f.info.path), f.info.format])).toEqual(
      expect.arrayContaining([['snapshots/prod.dump', 'custom'], ['prod.sql', 'plain']]));
    expect(found.map((f) => path.basename(f.info.path))).not.toContain('seed.sql');
    expect(found[0]!.label).toMatch(/ · (custom|plain) · [\d.]+ KB · PostgreSQL \d+/);
  });
});
