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
    expect(loadPlaybook(path.join(BUILTIN_DIR, 'rollback-drill.yml')).steps).toEqual([
      'restore', 'baseline', 'forward', { migrate: 'snapshot' }, { checkpoint: 'rolled-back' }, 'reforward',
    ]);
  });
  it('fills ${var} from --var in values, not in comments', () => {
    const p = write('vars.yml', '# ${nothing} here\nname: x\nsteps:\n  - forward\n  - migrate: { app: "${app}", to: zero }\n  - reforward\n');
    expect(loadPlaybook(p, { app: 'shop' }).steps[1]).toEqual({ migrate: { app: 'shop', to: 'zero' } });
    expect(() => loadPlaybook(p)).toThrow(/vars\.yml:5: the playbook uses \$\{app\}: pass --var app=VALUE/);
  });
  it.each([
    ['unknown step', 'name: x\nsteps: [forward, sideways]\n', /steps/],
    ['reforward without backward', 'name: x\nsteps: [forward, reforward]\n', /reforward needs backward/],
    ['unknown key', 'name: x\nsteps: [forward]\nfoo: 1\n', /Unrecognized key/i],
    ['an expect naming no invariant', 'name: x\nsteps: [forward, {expect: {invariants: [nope]}}]\n', /steps\.1\.expect\.invariants\.0: no invariant named "nope"/],
    ['an invariant after no such checkpoint', 'name: x\nsteps: [forward]\ninvariants: [{name: i, sql: "select 0", after: [later]}]\n', /"later" is neither/],
    ['a manage step without a command', 'name: x\nsteps: [forward, {manage: {args: []}}]\n', /pb\.yml:2: invalid playbook at steps\.1/],
    ['bad allowIrreversible', 'name: x\nsteps: [forward]\npolicy: {allowIrreversible: [nodot]}\n', /app\.migration/],
  ])('rejects %s as a usage error', (_, text, pattern) => {
    const p = write('pb.yml', text);
    expect(() => loadPlaybook(p)).toThrow(UsageError);
    expect(() => loadPlaybook(p)).toThrow(pattern);
  });
});
