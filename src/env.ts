// The environment every child process gets: this process's, with anything that
// could point a database client somewhere else taken out (libpq's PG*
// variables, DATABASE_URL and its kin, POSTGRES_*/DB_* settings). Where the
// project's code will read such a variable (settings that parse DATABASE_URL,
// django-environ's env.db()), it is put back pointing at the sandbox, so the
// settings still load and nothing can reach production.
import type { ConnInfo } from './sandbox/provider.js';

const DATABASE_ENV = [/^PG[A-Z]/, /DATABASE_URL$/i, /^(DB|DATABASE)_(HOST|PORT|USER|PASSWORD|NAME|URL)$/i, /^POSTGRES(QL)?_/i];

export function isDatabaseEnv(name: string): boolean {
  return DATABASE_ENV.some((re) => re.test(name));
}

/** postgresql://user:password@host:port/db */
export function urlOf(c: ConnInfo): string {
  const auth = c.password ? `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}` : encodeURIComponent(c.user);
  return `postgresql://${auth}@${c.host}:${c.port}/${c.database}${c.sslmode ? `?sslmode=${c.sslmode}` : ''}`;
}

/** A database variable's value for `c`, by what its name asks for; undefined to leave it out. */
function pointed(name: string, c: ConnInfo): string | undefined {
  if (/^PG[A-Z]/.test(name)) return undefined; // libpq's: set explicitly by who needs them
  if (/URL$/i.test(name)) return urlOf(c);
  if (/HOST$/i.test(name)) return c.host;
  if (/PORT$/i.test(name)) return String(c.port);
  if (/USER$/i.test(name)) return c.user;
  if (/PASSWORD$/i.test(name)) return c.password ?? '';
  if (/(NAME|DB|DATABASE)$/i.test(name)) return c.database;
  return undefined;
}

/**
 * process.env without the database variables, plus `extra`; pass with `extendEnv: false`.
 * With `sandbox`, DATABASE_URL (and each database variable the environment had) points at it.
 */
export function scrubbedEnv(extra: Record<string, string> = {}, sandbox?: ConnInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (!isDatabaseEnv(k)) out[k] = v;
    else if (sandbox) {
      const p = pointed(k, sandbox);
      if (p !== undefined) out[k] = p;
    }
  }
  if (sandbox) out.DATABASE_URL = urlOf(sandbox);
  return { ...out, ...extra };
}
