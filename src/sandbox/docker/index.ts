// --sandbox docker: a postgres:<the snapshot's major> container (testcontainers),
// restored with the image's own client tools, so the host needs no PostgreSQL.
import os from 'node:os';
import { execa } from 'execa';
import type { Flags, SandboxProvider } from '../provider.js';
import { alive } from '../tmp.js';
import { DockerSandbox, LABEL, type DockerOptions } from './container.js';

type Options = Omit<DockerOptions, 'major'>;

export const docker: SandboxProvider<Options> = {
  kind: 'docker',
  summary: 'a postgres:<major> container (testcontainers)',
  flags: [
    { flag: '--image <image>', description: 'with --sandbox docker: the PostgreSQL image (default: postgres:<major the snapshot was dumped from>)', env: 'REHEARSE_PG_IMAGE' },
    { flag: '--docker-network <mode>', description: 'with --sandbox docker: a mapped port on the default bridge, or the host\'s network', choices: ['bridge', 'host'], default: 'bridge' },
  ],
  options: (f: Flags) => ({
    ...(typeof f.image === 'string' ? { image: f.image } : {}),
    ...(f.dockerNetwork === 'host' || f.dockerNetwork === 'bridge' ? { network: f.dockerNetwork } : {}),
  }),
  async preflight() {},
  start: (o, { cleanup, snapshotMajor }) => DockerSandbox.start(cleanup, { ...o, major: snapshotMajor }),
  async diagnose() {
    const r = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 10_000 });
    return [r.exitCode === 0
      ? { status: 'ok', what: 'Docker engine', detail: `server ${r.stdout.trim()}` }
      : { status: 'warn', what: 'Docker engine', detail: 'not reachable (only container sandboxes need it)', fix: 'install docker.io and start dockerd' }];
  },
  // Containers of runs that are over (labelled with their run's host and pid).
  async sweep() {
    const done: string[] = [];
    const ps = await execa('docker', ['ps', '-a', '--filter', `label=${LABEL}`, '--format',
      '{{.ID}} {{.Label "rehearse.pid"}} {{.Label "rehearse.host"}}'], { reject: false, timeout: 10_000 });
    if (ps.exitCode !== 0) return done;
    for (const line of ps.stdout.split('\n').filter(Boolean)) {
      const [id, pid, host] = line.split(' ');
      if (host === os.hostname() && alive(Number(pid))) {
        done.push(`kept container ${id}: its run (pid ${pid}) is still going`);
        continue;
      }
      await execa('docker', ['rm', '-f', id!], { reject: false });
      done.push(`removed container ${id}`);
    }
    return done;
  },
};
