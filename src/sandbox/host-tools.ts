// Client tools installed on this machine, run against a sandbox database with
// libpq's environment (no password prompts, no ~/.pgpass surprises).
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { scrubbedEnv } from '../env.js';
import { libpqEnv, type ClientTool, type ConnInfo, type ToolOptions, type ToolResult } from './provider.js';

export async function runHostTool(toolPath: string, args: string[], conn: ConnInfo, o: ToolOptions): Promise<ToolResult> {
  const child = execa(toolPath, args, {
    env: scrubbedEnv(libpqEnv(conn)),
    extendEnv: false,
    reject: false,
    stdin: o.stdin ? 'pipe' : 'ignore',
  });
  if (o.stdin) {
    o.stdin.pipe(child.stdin!);
    child.stdin!.on('error', () => {}); // the tool may exit early (ON_ERROR_STOP)
  }
  if (o.onStderrLine) createInterface({ input: child.stderr! }).on('line', o.onStderrLine);
  const r = await child;
  return { exitCode: r.exitCode, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Sandboxes whose client tools run on this machine (local, server): files need no staging. */
export abstract class HostToolsSandbox {
  readonly toolsTakeStdin = true;
  abstract conn(database: string): ConnInfo;
  abstract clientTool(name: ClientTool): string;

  runTool(tool: ClientTool, args: string[], o: ToolOptions): Promise<ToolResult> {
    return runHostTool(this.clientTool(tool), args, this.conn(o.database), o);
  }

  async stage(hostPath: string): Promise<string> {
    return hostPath;
  }
}
