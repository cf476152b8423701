// HISTORY_BROKEN_GRAPH: Django cannot even build the migration graph, because a
// migration depends on one that is not in the project (typically a deleted file
// that production ran: see HISTORY_GHOST). `manage.py migrate` would stop at once
// in the deploy. Silence: restore the missing migration, or point the dependency
// at one that exists.
import { defineCheck } from './facts.js';

export const brokenGraph = defineCheck({
  codes: ['HISTORY_BROKEN_GRAPH'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    const b = intro.brokenGraph;
    if (!b) return [];
    const missing = `${b.missingApp ?? '?'}.${b.missingName}`;
    return [{
      code: 'HISTORY_BROKEN_GRAPH',
      severity: 'error',
      ...(b.app ? { app: b.app } : {}),
      ...(b.name ? { migration: b.name } : {}),
      message: `Django cannot load the migrations: ${b.app && b.name ? `${b.app}.${b.name} depends on ` : 'a dependency on '}${missing}, which is not in the project; \`manage.py migrate\` would fail before applying anything`,
      hint: `restore ${b.missingApp ?? 'the app'}/migrations/${b.missingName}.py, or make the dependency point at a migration that exists`,
      details: { missing: { app: b.missingApp, migration: b.missingName } },
    }];
  },
});
