#!/usr/bin/env node
// Prints the major PostgreSQL version a snapshot was dumped from (15 when the dump does not say).
import { detectSnapshot } from '../../dist/snapshot/detect.js';

const info = await detectSnapshot(process.argv[2] ?? '');
process.stdout.write(`${info.serverMajor ?? 15}\n`);
