import { describe, expect, it } from 'vitest';
import { imageMajor } from './container.js';

describe('imageMajor', () => {
  it('reads the official images\' PG_MAJOR', () => {
    expect(imageMajor(['PATH=/usr/local/bin:/usr/lib/postgresql/16/bin', 'PG_MAJOR=16', 'PGDATA=/var/lib/postgresql/data'])).toBe(16);
  });
  it('falls back to the server binaries on PATH (images built from distribution packages)', () => {
    expect(imageMajor(['PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/bin', 'LANG=C.UTF-8'])).toBe(15);
  });
  it('is unknown for an image that says neither: then no cached template is used', () => {
    expect(imageMajor(['PATH=/usr/local/bin:/usr/bin', 'PG_MAJOR=latest'])).toBeUndefined();
  });
});
