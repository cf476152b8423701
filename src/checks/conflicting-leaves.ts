// CONFLICTING_LEAVES: an app has more than one leaf migration (two branches that
// were never merged). Django refuses to migrate, so the deploy would fail. One
// finding per app, naming every leaf. Silence: `manage.py makemigrations --merge APP`.
import { defineCheck } from './facts.js';

export const conflictingLeaves = defineCheck({
  codes: ['CONFLICTING_LEAVES'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    return Object.entries(intro.conflicts).map(([app, leaves]) => ({
      code: 'CONFLICTING_LEAVES',
      severity: 'error',
      app,
      message: `${app} has ${leaves.length} leaf migrations: ${leaves.join(', ')}; Django refuses to migrate until they are merged`,
      hint: `run \`python manage.py makemigrations --merge ${app}\` and commit the merge migration`,
      details: { leaves },
    }));
  },
});
