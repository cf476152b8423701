import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_DIR, loadPlaybook } from '../../src/playbook/load.js';
import { UsageError } from '../../src/errors.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-pb-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = path.join(scratch, name);
  writeFileSync(p, text);
  return p;
};

describe('playbooks', () => {
  it('the built-ins load', () => {
    expect(loadPlaybook().steps).toEqual(['restore', 'baseline', 'forward', 'backward', 'reforward']);
    expect(loadPlaybook(path.join(BUILTIN_DIR, 'rollback-drill.yml')).steps).toEqual(['restore', 'baseline', 'forward', 'backward']);
  });
  it.each([
    ['unknown step', 'name: x\nsteps: [forward, sideways]\n', /steps/],
    ['reforward without backward', 'name: x\nsteps: [forward, reforward]\n', /reforward needs backward/],
    ['unknown key', 'name: x\nsteps: [forward]\nfoo: 1\n', /Unrecognized key/i],
    ['bad allowIrreversible', 'name: x\nsteps: [forward]\npolicy: {allowIrreversible: [nodot]}\n', /app\.migration/],
  ])('rejects %s as a usage error', (_, text, pattern) => {
    const p = write('pb.yml', text);
    expect(() => loadPlaybook(p)).toThrow(UsageError);
    expect(() => loadPlaybook(p)).toThrow(pattern);
  });
});
