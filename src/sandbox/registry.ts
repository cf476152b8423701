// Every sandbox provider. The CLI's --sandbox choices and flags, `doctor` and
// `doctor --clean` are built from this list: a new provider is one folder and one line here.
import { UsageError } from '../errors.js';
import type { SandboxProvider } from './provider.js';
import { local } from './local/index.js';
import { docker } from './docker/index.js';
import { server } from './server/index.js';

export const PROVIDERS: readonly SandboxProvider<any>[] = [local, docker, server];

export function providerFor(kind: string): SandboxProvider<any> {
  const p = PROVIDERS.find((x) => x.kind === kind);
  if (!p) throw new UsageError(`--sandbox ${kind}: expected one of ${PROVIDERS.map((x) => x.kind).join(', ')}`);
  return p;
}
