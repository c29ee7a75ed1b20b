import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, dirname, join, resolve } from 'node:path';
import { RedactionMap } from '../redact/redaction-map.js';
import { redactPaths } from '../redact/redact-files.js';
import { reverseText } from '../redact/redact-text.js';
import { InputError } from './load.js';
import { UsageError } from './options.js';

const HELP = `Usage:
  mailflow-doctor redact PATH… --out DIR [--map FILE] [--keep NAME]…
  mailflow-doctor redact --reverse --map FILE [FILE…|-]

Writes a copy of every input under PATH… into DIR with consistent pseudonyms (domains under
customer-N.example, addresses in documentation ranges, names, GUIDs and thumbprints mapped).
The map (default: DIR's sibling DIR-redaction-map.json) holds the real names: keep it private.
A second run with the same --map reuses its pseudonyms. --reverse turns a redacted text (a report,
a reply) back into real names and prints it.

Example:
  mailflow-doctor redact ./case --out ./case-redacted --keep partner.example
`;

/** `redact`: see HELP and docs/redaction.md. */
export async function redactCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, map: { type: 'string' }, keep: { type: 'string', multiple: true }, reverse: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (v.reverse) return reverse(v.map, parsed.positionals);
  if (parsed.positionals.length === 0) throw new UsageError(`redact needs the case to redact and --out DIR.\n\n${HELP}`);
  if (!v.out) throw new UsageError('redact needs --out DIR, the folder the redacted copy is written to (e.g. --out ./case-redacted)');
  const out = resolve(v.out);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${v.out} is a file; name a folder`);
  for (const p of parsed.positionals) if (resolve(p) === out) throw new UsageError(`--out ${v.out} is one of the inputs; name another folder`);
  const mapFile = v.map ?? join(dirname(out), `${basename(out)}-redaction-map.json`);
  const existing = existsSync(mapFile) ? loadMap(mapFile) : undefined;
  const result = await redactPaths(parsed.positionals, out, { keep: v.keep ?? [], ...(existing ? { map: existing } : {}) });
  if (result.missing.length > 0 && result.files.length === 0) throw new InputError(result.missing.join('\n'));
  writeFileSync(mapFile, `${JSON.stringify(result.map.toJSON(), null, 2)}\n`, { mode: 0o600 });
  const written = result.files.filter((f) => f.output !== null);
  const lines = [`Redacted ${written.length} file(s) into ${v.out}${existing ? ` (reusing the map ${mapFile})` : ''}.`];
  for (const f of result.files) if (f.note) lines.push(`  ${f.output ? 'note' : 'skipped'}: ${f.input}: ${f.note}`);
  for (const m of result.missing) lines.push(`  missing: ${m}`);
  lines.push(`The map ${mapFile} holds the real names: keep it private, do not share it with the redacted files.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.missing.length > 0 ? 1 : 0;
}

function loadMap(file: string): RedactionMap {
  try {
    return RedactionMap.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
}

async function reverse(mapFile: string | undefined, files: string[]): Promise<number> {
  if (!mapFile) throw new UsageError('redact --reverse needs --map FILE, the map the redaction wrote');
  const map = loadMap(mapFile);
  const inputs = files.length === 0 ? ['-'] : files;
  for (const f of inputs) {
    let text: string;
    try {
      text = f === '-' ? readFileSync(0, 'utf8') : readFileSync(f, 'utf8');
    } catch (e) {
      throw new InputError(`${f}: cannot be read: ${(e as Error).message}`);
    }
    process.stdout.write(reverseText(text, map));
  }
  return 0;
}
