import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SkipOwnershipAndPrivileges } from '../../src/snapshot/restore.js';

async function filter(text: string, chunk = 7): Promise<string> {
  const parts: Buffer[] = [];
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  let out = '';
  for await (const c of Readable.from(parts).pipe(new SkipOwnershipAndPrivileges())) out += c.toString();
  return out;
}

describe('SkipOwnershipAndPrivileges', () => {
  it('drops owner, grant and revoke statements but never COPY data', async () => {
    const sql = [
      'CREATE TABLE public.t (a text);',
      'ALTER TABLE public.t OWNER TO prod_owner;',
      'GRANT SELECT ON TABLE public.t TO analytics;',
      'REVOKE ALL ON TABLE public.t FROM PUBLIC;',
      'SET SESSION AUTHORIZATION prod_owner;',
      'COPY public.t (a) FROM stdin;',
      'GRANT ALL ON x TO y;',
      'ALTER TABLE z OWNER TO q;',
      'café ☕',
      '\\.',
      'SELECT 1;',
      '',
    ].join('\n');
    const out = await filter(sql, 5); // chunks split the multibyte characters too
    expect(out).toBe(
      ['CREATE TABLE public.t (a text);', 'COPY public.t (a) FROM stdin;', 'GRANT ALL ON x TO y;',
        'ALTER TABLE z OWNER TO q;', 'café ☕', '\\.', 'SELECT 1;', ''].join('\n'),
    );
  });

  it('drops what pg_dump -C adds: its own database and the reconnect', async () => {
    const sql = [
      "CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8';",
      'ALTER DATABASE shop OWNER TO prod;',
      "COMMENT ON DATABASE shop IS 'prod';",
      '\\connect shop',
      'CREATE TABLE t (a int);',
      '',
    ].join('\n');
    expect(await filter(sql)).toBe('CREATE TABLE t (a int);\n');
  });
});
