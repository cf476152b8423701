// One file for bin/rehearse to load: dist/rehearse.js, from tsc's dist/cli/main.js.
// Node resolves and evaluates every ES module of the CLI and its dependencies one
// by one, and that took 0.2 s of every run's start, against 0.1 s for the same
// code as one file. tsc's per-module dist/ stays: the scripts and tests import it.
//
// Left out, loaded from node_modules when used: testcontainers (the docker
// sandbox only, itself loaded on demand; its ssh2 has native parts a bundle cannot
// hold) and pg-native (never used, and not installed).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'dist/cli/main.js')],
  outfile: path.join(root, 'dist/rehearse.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['testcontainers', 'pg-native'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __rehearseRequire } from 'node:module'; const require = __rehearseRequire(import.meta.url);" },
  logLevel: 'warning',
});
