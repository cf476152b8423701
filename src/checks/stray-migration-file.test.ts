import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { strayMigrationFile } from './stray-migration-file.js';

describe('STRAY_MIGRATION_FILE', () => {
  it('warns about a file Django will not load, and names the migration it shares a number with', () => {
    const f = strayMigrationFile.inspect(staticFacts({ intro: intro({
      apps: [{ label: 'blog', migrationsPath: '/p/blog/migrations', stray: ['0007_old.py.disabled'] }],
      disk: [['blog', '0007_new']],
    }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'STRAY_MIGRATION_FILE', severity: 'warning', app: 'blog', migration: '0007_old',
      details: { file: 'blog/migrations/0007_old.py.disabled', sharesNumberWith: '0007_new' },
    })]);
  });

  it('leaves apps outside the project alone, and clean folders', () => {
    const f = strayMigrationFile.inspect(staticFacts({ intro: intro({
      apps: [
        { label: 'auth', migrationsPath: '/venv/site-packages/django/contrib/auth/migrations', stray: ['0001.py.orig'] },
        { label: 'blog', migrationsPath: '/p/blog/migrations', stray: [] },
      ],
    }) }));
    expect(f).toEqual([]);
  });
});
