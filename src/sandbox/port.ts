// TCP ports on 127.0.0.1: a free one (bind port 0 and let it go), or whether a given one is free.
import { createServer } from 'node:net';

/** Bind 127.0.0.1:port (0: any free one) and let it go: the port bound, or undefined when it is taken. */
function bindAndRelease(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : undefined));
    });
  });
}

export async function freePort(): Promise<number> {
  const port = await bindAndRelease(0);
  if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}

/** Whether nothing listens on 127.0.0.1:port (binding it succeeds). */
export async function isFree(port: number): Promise<boolean> {
  return (await bindAndRelease(port)) !== undefined;
}
