// The restore's ETA: from the time so far and the share done, said only once there is enough to go on.
import { describe, expect, it } from 'vitest';
import { eta } from '../../src/snapshot/restore.js';

describe('restore ETA', () => {
  it('says nothing in the first seconds or the first 2 %', () => {
    expect(eta(Date.now() - 1000, 0.5)).toBe('');
    expect(eta(Date.now() - 10_000, 0.01)).toBe('');
  });
  it('extrapolates the rest: a quarter done in 10 s leaves ~30 s', () => {
    expect(eta(Date.now() - 10_000, 0.25)).toBe(' · ~30s left');
  });
  it('in minutes past one', () => {
    expect(eta(Date.now() - 40_000, 0.25)).toBe(' · ~2m00s left');
  });
  it('nothing once done, nor when less than a second is left by the count (the last objects are the slowest)', () => {
    expect(eta(Date.now() - 40_000, 1)).toBe('');
    expect(eta(Date.now() - 6_000, 0.967)).toBe('');
  });
});
