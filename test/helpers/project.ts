// Builds a throwaway Django project for a scenario: the base project with the
// scenario's files laid over it (and its remove.txt applied).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from './paths.js';

export function makeProject(scenario?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-project-'));
  cpSync(path.join(FIXTURES, 'base'), dir, { recursive: true, filter: (src) => !src.endsWith('seed.sql') });
  if (scenario) {
    const overlay = path.join(FIXTURES, 'scenarios', scenario);
    if (!existsSync(overlay)) throw new Error(`no scenario ${scenario}`);
    const remove = path.join(overlay, 'remove.txt');
    if (existsSync(remove)) {
      for (const rel of readFileSync(remove, 'utf8').split('\n').filter(Boolean)) rmSync(path.join(dir, rel));
    }
    cpSync(overlay, dir, {
      recursive: true,
      filter: (src) => !/(history\.sql|remove\.txt)$/.test(src),
    });
  }
  return dir;
}
