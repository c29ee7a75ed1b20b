import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildRedactionMap, RedactionMap, redactText } from '../redact/index.js';
import { InputError } from './load.js';

/**
 * `--redact [--map FILE]` on a report command: the rendered report with every name the case's
 * inputs hold replaced by the pseudonym `mailflow-doctor redact` gives it (docs/redaction.md).
 * With --map the map is reused (the same pseudonyms as a redacted copy of the case made with it)
 * and saved back, extended, so `redact --reverse --map FILE` turns an answer back into real names;
 * without it the pseudonyms are new and not kept.
 */
export async function reportRedactor(settings: { map: string | null }, paths: readonly string[]): Promise<(text: string) => string> {
  const existing = settings.map !== null && existsSync(settings.map) ? loadMap(settings.map) : undefined;
  // Standard input cannot be read twice: its names are not learned (say so rather than leak quietly).
  const files = paths.filter((p) => p !== '-');
  if (files.length < paths.length) process.stderr.write('mailflow-doctor: --redact: names that appear only in standard input are not known to the redaction; check the report before sharing it.\n');
  const map = await buildRedactionMap(files, existing ? { map: existing } : {});
  if (settings.map !== null) writeFileSync(settings.map, `${JSON.stringify(map.toJSON(), null, 2)}\n`, { mode: 0o600 });
  else process.stderr.write('mailflow-doctor: --redact without --map: the pseudonyms are not saved; give --map FILE to keep the map private and turn answers back with `redact --reverse`.\n');
  return (text) => redactReport(text, map);
}

/**
 * The HTML page's stylesheet, script and Content-Security-Policy are the tool's own (never
 * customer text) and the policy holds their hashes: they pass unchanged, so the redacted page
 * still loads under its policy.
 */
const PAGE_CODE = /<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>|<meta http-equiv="Content-Security-Policy"[^>]*>/g;

export function redactReport(text: string, map: RedactionMap): string {
  if (!text.startsWith('<!DOCTYPE html>')) return redactText(text, map);
  let out = '';
  let from = 0;
  for (const m of text.matchAll(PAGE_CODE)) {
    out += redactText(text.slice(from, m.index), map) + m[0];
    from = m.index + m[0].length;
  }
  return out + redactText(text.slice(from), map);
}

function loadMap(file: string): RedactionMap {
  try {
    return RedactionMap.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`--map ${file}: ${(e as Error).message}`);
  }
}
