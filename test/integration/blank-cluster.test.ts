// The blank cluster (src/sandbox/local/blank-cluster.ts): the first local
// sandbox keeps what initdb made, later ones start on a copy of it, each with
// a password of its own.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { withClient } from '../../src/db.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-blank-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function started(): Promise<{ box: LocalSandbox; cleanup: Cleanup }> {
  const cleanup = new Cleanup();
  return { box: await LocalSandbox.start(cleanup, { blankRoot: root }), cleanup };
}

describe('blank clusters', () => {
  it('the first sandbox keeps its blank; the next starts on a copy, answering only to a password of its own', async () => {
    const first = await started();
    const [kept] = readdirSync(root);
    expect(kept).toMatch(/^\d+\.\d+-\d+-v\d+$/);
    const blankPassword = readFileSync(path.join(root, kept!, 'password'), 'utf8');
    expect(first.box.conn('postgres').password).not.toBe(blankPassword);
    await first.cleanup.drain();

    writeFileSync(path.join(root, kept!, 'data', 'copied-from-the-blank'), '');
    const second = await started();
    try {
      expect(existsSync(path.join(second.box.dir, 'data', 'copied-from-the-blank'))).toBe(true);
      expect(await withClient(second.box.conn('postgres'), async (c) => (await c.query('SELECT 1 AS one')).rows)).toEqual([{ one: 1 }]);
      expect(second.box.conn('postgres').password).not.toBe(blankPassword);
      await expect(withClient({ ...second.box.conn('postgres'), password: blankPassword }, (c) => c.query('SELECT 1'))).rejects.toThrow(/password/);
    } finally {
      await second.cleanup.drain();
    }
  });
});
