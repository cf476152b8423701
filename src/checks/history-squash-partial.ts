// HISTORY_SQUASH_PARTIAL: production applied some of a squash's originals, and
// the release ships the squash without the rest of them. Django then applies
// neither the squash (not all of its originals are applied) nor the missing
// originals (their files are gone): `migrate` says there is nothing to do,
// while the models need what those originals create (see MODELS_NOT_MIGRATED).
// Silence: keep the originals in the project until every environment has
// applied all of them, or restore the missing ones.
import { defineCheck } from './facts.js';
import { partialSquashes } from './squashes.js';

export const historySquashPartial = defineCheck({
  codes: ['HISTORY_SQUASH_PARTIAL'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    return partialSquashes(intro).map(({ squash, applied, missing }) => ({
      code: 'HISTORY_SQUASH_PARTIAL',
      severity: 'error',
      app: squash.app,
      migration: squash.name,
      message: `production applied ${applied.length} of the ${squash.replaces.length} migrations ${squash.app}.${squash.name} replaces ` +
        `(${applied.join(', ')}), and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} gone from the project: ` +
        'Django will apply neither the squash nor the rest',
      hint: `restore ${missing.map((k) => k.replace('.', '/migrations/') + '.py').join(', ')}, ` +
        'and keep a squash\'s originals until every environment has applied all of them',
      details: { squash: `${squash.app}.${squash.name}`, applied, missing },
    }));
  },
});
