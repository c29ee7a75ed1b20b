import type { EvidenceReadOptions } from '../ingest/evidence/evidence-reader.js';
import { loadCase } from '../ingest/load-case.js';
import type { Case } from '../model/case.js';

import { InputError } from './input-error.js';

export { InputError };

/** Reads the case or fails with the contract's exit-2 message (naming the file and the reason). */
export async function loadOrFail(paths: string[], options: EvidenceReadOptions = {}): Promise<Case> {
  const loaded = await loadCase(paths, options);
  if (loaded.fatal) throw new InputError(loaded.fatal);
  return loaded.case;
}
