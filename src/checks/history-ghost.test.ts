import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { historyGhost } from './history-ghost.js';

const apps = [{ label: 'shop', migrationsPath: '/p/shop/migrations', stray: [] }];

describe('HISTORY_GHOST', () => {
  it('names a recorded migration whose file is gone from an installed app (error)', () => {
    const f = historyGhost.inspect(staticFacts({ intro: intro({
      apps, disk: [['shop', '0001_initial']], appliedRows: [['shop', '0001_initial'], ['shop', '0002_gone']],
    }) }));
    expect(f).toEqual([expect.objectContaining({ code: 'HISTORY_GHOST', severity: 'error', app: 'shop', migration: '0002_gone' })]);
  });

  it('warns for a removed app and for squashed originals', () => {
    const f = historyGhost.inspect(staticFacts({ intro: intro({
      apps, disk: [['shop', '0001_squashed_0002']],
      squashes: [{ app: 'shop', name: '0001_squashed_0002', replaces: [['shop', '0001_initial'], ['shop', '0002_x']] }],
      appliedRows: [['shop', '0001_initial'], ['shop', '0002_x'], ['legacy', '0001_initial']],
    }) }));
    expect(f.map((x) => [x.app, x.migration, x.severity, x.details?.reason])).toEqual([
      ['shop', '0001_initial', 'warning', 'squashed-original'],
      ['shop', '0002_x', 'warning', 'squashed-original'],
      ['legacy', '0001_initial', 'warning', 'removed-app'],
    ]);
  });

  it('names every original that must come back when production applied only part of a squash', () => {
    const f = historyGhost.inspect(staticFacts({ intro: intro({
      apps, disk: [['shop', '0001_squashed_0003']],
      squashes: [{ app: 'shop', name: '0001_squashed_0003', replaces: [['shop', '0001_initial'], ['shop', '0002_a'], ['shop', '0003_b']] }],
      appliedRows: [['shop', '0001_initial']],
    }) }));
    expect(f).toEqual([expect.objectContaining({ migration: '0001_initial', details: expect.objectContaining({ missing: ['shop.0002_a', 'shop.0003_b'] }) })]);
    expect(f[0]!.hint).toMatch(/not enough: shop\.0002_a, shop\.0003_b must come back/);
  });

  it('says nothing when every recorded migration has its file', () => {
    expect(historyGhost.inspect(staticFacts({ intro: intro({ apps, disk: [['shop', '0001_initial']], appliedRows: [['shop', '0001_initial']] }) }))).toEqual([]);
  });
});
