// What a killed postmaster leaves outside its data directory. A server that
// stops (fast or immediate shutdown, or its parent-death SIGQUIT) removes its
// own shared memory; one killed by SIGKILL cannot, and its segments outlive
// the data directory rehearse removes:
// - its dynamic shared memory, which the sandbox keeps in the data directory
//   (dynamic_shared_memory_type = mmap, in cluster.ts) so that it goes with it;
// - a small System V segment, the interlock every postmaster makes whatever the
//   settings. postmaster.pid names it (its 7th line: key and id), and a clean
//   stop removes that file: where the file outlived the server, the segment is
//   removed here, if it still has that key and nothing is attached to it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/** Remove the System V segment of the dead postmaster of `dataDir`, if it left one. The server must be gone. */
export async function releaseSharedMemory(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const line = readFileSync(pidFile, 'utf8').split('\n')[6]?.trim() ?? '';
  const m = /^(\d+)\s+(\d+)$/.exec(line);
  if (!m) return;
  const [key, id] = [Number(m[1]), m[2]!];
  // Ids are reused: only this key's segment, with no process attached, is ours to remove.
  const listed = await execa('ipcs', ['-m'], { reject: false });
  const row = listed.stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[1] === id);
  if (!row || Number(row[0]) !== key || row[5] !== '0') return;
  await execa('ipcrm', ['-m', id], { reject: false });
}
