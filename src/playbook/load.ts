// Load and validate a playbook file: ${name} variables from --var, YAML, then
// the schema. Any problem is a usage error (exit 2) on one line that names the
// file, the line and the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { UsageError } from '../errors.js';
import { packagePath } from '../package-root.js';
import { PlaybookSchema, type Playbook } from './schema.js';

export const BUILTIN_DIR = packagePath('playbooks');

/** ${name} in the playbook's values (not its comments) replaced by --var name=value; a name with no value is a usage error. */
function substitute(doc: ReturnType<typeof parseDocument>, vars: Readonly<Record<string, string>>, where: (offset: number) => string): void {
  visit(doc, {
    Scalar(_, node) {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      node.value = node.value.replace(/\$\{(\w+)\}/g, (_m: string, name: string) => {
        const v = vars[name];
        if (v === undefined) throw new UsageError(`${where(node.range?.[0] ?? 0)}: the playbook uses \${${name}}: pass --var ${name}=VALUE`);
        return v;
      });
    },
  });
}

export function loadPlaybook(file?: string, vars: Readonly<Record<string, string>> = {}): Playbook {
  const target = file ?? path.join(BUILTIN_DIR, 'pre-deploy.yml');
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (err) {
    throw new UsageError(`playbook ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UsageError(`${target}:${e.linePos?.[0]?.line ?? '?'}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  substitute(doc, vars, (offset) => `${target}:${lines.linePos(offset).line}`);
  const parsed = PlaybookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    // The line of the deepest node the path reaches.
    let line: number | undefined;
    for (let n = issue.path.length; n >= 0 && line === undefined; n--) {
      const node = doc.getIn(issue.path.slice(0, n) as Array<string | number>, true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lines.linePos(node.range[0]).line;
    }
    throw new UsageError(`${target}:${line ?? 1}: invalid playbook at ${at}: ${issue.message}`);
  }
  return parsed.data;
}

/** --var NAME=VALUE, repeatable. */
export function parseVars(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const m = /^(\w+)=(.*)$/.exec(s);
    if (!m) throw new UsageError(`--var ${s}: expected NAME=VALUE`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
