import type { Diagnostic } from '../../model/diagnostics.js';
import { quoteForDiagnostic } from '../limits.js';

/**
 * The log the collection script (`mailflow-doctor collect-script`) writes beside its exports:
 * one tab-separated line per step — time, INFO or ERROR, folder, cmdlet, text. Read from a zip,
 * each ERROR line becomes a warning of the zip input (what the collection could not get), and the
 * file itself is not offered to the readers (it is no export).
 */
export const COLLECT_LOG_FILE = 'mailflow-collect-log.txt';

/** At most this many of the script's errors are repeated; the rest are counted. */
const MAX_LOGGED = 50;

export function collectLogDiagnostics(text: string, location: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let more = 0;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const f = raw.split('\t');
    if (f.length < 5 || f[1] !== 'ERROR') continue;
    if (out.length >= MAX_LOGGED) {
      more++;
      continue;
    }
    const [, , where, step, ...rest] = f;
    out.push({ severity: 'warning', location, message: `the collection script could not run ${step} (${where}): ${quoteForDiagnostic(rest.join(' '), 300)} — the case lacks what it returns` });
  }
  if (more > 0) out.push({ severity: 'warning', location, message: `and ${more} more error(s) in the collection log` });
  return out;
}
