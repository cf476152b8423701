// The package's own directory (package.json, python/, playbooks/), found from this
// module's location. dist/ holds both the compiled modules, one directory level
// each, and the one-file bundle bin/rehearse loads (scripts/bundle.mjs), so a
// fixed "../.." from a module's own path would be right in one and wrong in the other.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rehearse') return dir;
    if (path.dirname(dir) === dir) throw new Error(`rehearse's package.json is not above ${from}`);
  }
}

const PACKAGE_ROOT: string = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
