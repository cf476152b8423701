// A snapshot without django_migrations is not one rehearse can judge: Django
// would take every migration as pending and build the schema again on top of
// whatever is there, and the verdict would mean nothing. Say what the snapshot
// looks like instead, so the person can tell a wrong dump from a cut one.
import type pg from 'pg';
import { USER_NS } from '../db.js';

/** Tables every Django database with contrib apps has; seeing them means the history table was left out. */
const DJANGO_TABLES = ['django_content_type', 'auth_user', 'auth_permission', 'django_session', 'django_admin_log'];

export async function whyNotDjango(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_NS}`);
  const names = new Set(rows.map((r) => r.name));
  const django = DJANGO_TABLES.filter((t) => names.has(t));
  if (names.size === 0) return 'the snapshot holds no tables: is it a dump of the production database (pg_dump -Fc DBNAME)?';
  if (django.length) {
    return `the snapshot has Django's tables (${django.join(', ')}) but no django_migrations: ` +
      'it was dumped without it (--exclude-table?), so what production has applied is unknown';
  }
  return `the snapshot is not of a Django database: ${names.size} table(s), no django_migrations and none of Django's own`;
}
