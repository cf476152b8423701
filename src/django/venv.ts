// Which Python runs the project: --python, else the project's own .venv/venv, else python3.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** The project's own virtualenv interpreter, if it has one. */
export function projectVenvPython(projectDir: string): string | undefined {
  return ['.venv', 'venv'].map((v) => path.join(projectDir, v, 'bin', 'python')).find((p) => existsSync(p));
}

export function resolvePython(given: string | undefined, projectDir: string): string {
  if (given) {
    if (given.includes('/')) {
      if (!existsSync(given)) throw new UsageError(`--python ${given}: no such file`);
      if (statSync(given).isDirectory()) throw new UsageError(`--python ${given}: a directory, not an interpreter (a virtualenv's is bin/python)`);
      try {
        accessSync(given, constants.X_OK);
      } catch {
        throw new UsageError(`--python ${given}: not executable`);
      }
    }
    return given.includes('/') ? path.resolve(given) : given;
  }
  return projectVenvPython(projectDir) ?? 'python3';
}
