// Picks and starts the sandbox a run asked for.
import type { Cleanup } from '../cleanup.js';
import { UsageError } from '../errors.js';
import { LocalSandbox } from './local.js';
import type { Sandbox } from './provider.js';
import { ServerSandbox } from './server.js';
import { DockerSandbox } from './docker.js';

export type SandboxKind = 'local' | 'server' | 'docker';
export const SANDBOX_KINDS: readonly SandboxKind[] = ['local', 'server', 'docker'];

export interface SandboxOptions {
  sandbox?: SandboxKind;
  serverUrl?: string;
  pgBin?: string;
  keep?: boolean;
  /** --image (docker): default postgres:<the snapshot's major>. */
  image?: string;
  dockerNetwork?: 'bridge' | 'host';
}

/** Checks that start nothing: a usage error here is exit 2 before any work. */
export async function checkSandboxOptions(o: SandboxOptions): Promise<void> {
  if (o.sandbox !== 'server') return;
  if (!o.serverUrl) throw new UsageError('--sandbox server needs --server-url postgres://… (or REHEARSE_SERVER_URL)');
  const { admin } = await ServerSandbox.connect(o.serverUrl);
  await admin.end();
}

export function startSandbox(o: SandboxOptions, cleanup: Cleanup, snapshotMajor?: number): Promise<Sandbox> {
  if (o.sandbox === 'docker') {
    return DockerSandbox.start(cleanup, {
      major: snapshotMajor,
      ...(o.image ? { image: o.image } : {}),
      ...(o.dockerNetwork ? { network: o.dockerNetwork } : {}),
    });
  }
  if (o.sandbox === 'server') {
    return ServerSandbox.start(cleanup, { url: o.serverUrl!, ...(o.keep ? { keep: true } : {}), ...(o.pgBin ? { pgBin: o.pgBin } : {}) });
  }
  return LocalSandbox.start(cleanup, o.pgBin ? { pgBin: o.pgBin } : {});
}
