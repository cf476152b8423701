// The playbook's JSON Schema, from the zod schema: what editors read
// (playbooks/playbook.schema.json, written by `npm run schema`).
import { z } from 'zod';
import { PlaybookSchema } from './schema.js';

export function playbookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PlaybookSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://rehearse.invalid/playbook.schema.json',
    title: 'rehearse playbook',
  };
}
