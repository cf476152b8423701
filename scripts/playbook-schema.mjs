#!/usr/bin/env node
// `npm run schema`: playbooks/playbook.schema.json from the zod schema
// (src/playbook/schema.ts), so that an editor with the YAML language server
// completes and checks a playbook. A test keeps the shipped file current.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playbookJsonSchema } from '../dist/playbook/json-schema.js';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'playbooks', 'playbook.schema.json');
writeFileSync(out, `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
