// --sandbox docker: a postgres:<the snapshot's major> container (testcontainers),
// restored with the image's own client tools, so the host needs no PostgreSQL.
import net from 'node:net';
import os from 'node:os';
import { execa } from 'execa';
import type { Flags, SandboxProvider } from '../provider.js';
import { alive } from '../tmp.js';
import { DockerSandbox, LABEL, noEngineAt, type DockerOptions } from './container.js';
import { CannotRehearseError } from '../../errors.js';

type Options = Omit<DockerOptions, 'major'>;

export const docker: SandboxProvider<Options> = {
  kind: 'docker',
  summary: 'a postgres:<major> container (testcontainers)',
  startsFromCache: true,
  flags: [
    { flag: '--image <image>', description: 'with --sandbox docker: the PostgreSQL image (default: postgres:<major the snapshot was dumped from>)', env: 'REHEARSE_PG_IMAGE' },
    { flag: '--docker-network <mode>', description: 'with --sandbox docker: a mapped port on the default bridge, or the host\'s network', choices: ['bridge', 'host'], default: 'bridge' },
  ],
  options: (f: Flags) => ({
    ...(typeof f.image === 'string' ? { image: f.image } : {}),
    ...(f.dockerNetwork === 'host' || f.dockerNetwork === 'bridge' ? { network: f.dockerNetwork } : {}),
  }),
  // A DOCKER_HOST that names no engine is a mistake to say at once: testcontainers
  // would quietly fall back to the default socket, a different engine than the one asked for.
  async preflight() {
    const host = process.env.DOCKER_HOST;
    if (host && !(await reachable(host))) throw new CannotRehearseError(noEngineAt(host));
  },
  start: (o, { cleanup, snapshotMajor, seed }) => DockerSandbox.start(cleanup, { ...o, major: snapshotMajor, ...(seed ? { seed } : {}) }),
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

/** Whether anything answers at a DOCKER_HOST (unix:// or tcp://); other schemes are left to testcontainers. */
function reachable(host: string): Promise<boolean> {
  const unix = /^unix:\/\/(.+)$/.exec(host);
  const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(host);
  if (!unix && !tcp) return Promise.resolve(true);
  return new Promise((resolve) => {
    const s = unix ? net.connect(unix[1]!) : net.connect(Number(tcp![2]), tcp![1]);
    s.setTimeout(5000);
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
    s.on('timeout', () => (s.destroy(), resolve(false)));
  });
}
