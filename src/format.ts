// Human-readable sizes for progress lines and summaries.
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** 1491 -> "1,491": counts read at a glance. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
