// Load and validate a playbook file; any problem is a usage error (exit 2) on one line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { PlaybookSchema, type Playbook } from './schema.js';

export const BUILTIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../playbooks');

export function loadPlaybook(file?: string): Playbook {
  const target = file ?? path.join(BUILTIN_DIR, 'pre-deploy.yml');
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (err) {
    throw new UsageError(`--playbook ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new UsageError(`--playbook ${target}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = PlaybookSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new UsageError(`--playbook ${target}: invalid playbook at ${where}: ${issue.message}`);
  }
  return parsed.data;
}
