import { statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Command-line options shared by every command (CONTRACT: --format, --output, --at). */
export type Format = 'text' | 'json' | 'markdown' | 'csv' | 'html';

export class UsageError extends Error {}

export interface CommonOptions {
  format: Format;
  output: string | null;
  at: Date;
  atGiven: boolean;
  paths: string[];
  /** `--full`: text reports list every evidence line and flow instead of the first few. */
  full: boolean;
  values: Record<string, string | string[] | boolean | undefined>;
  /** `--redact [--map FILE]` on a report command: pseudonymise the rendered report (null: as it is). */
  redact: { map: string | null } | null;
}

const FORMATS: readonly Format[] = ['text', 'json', 'markdown', 'html'];

/**
 * `--allow-incomplete`, for the commands that read a whole case (diagnose, demo, whatif, simulate):
 * accept results from inputs that could not be read or were read in part, and exit as if the case
 * were whole (by default such results never exit 0).
 */
export const CASE_OPTIONS = { 'allow-incomplete': { type: 'boolean' } } as const;

/**
 * `--redact [--map FILE]`, for the commands that print a report (diagnose, demo, whatif, simulate,
 * trace, logs, pcap): the report is shared, so its names are replaced as `redact` replaces them.
 */
export const REPORT_OPTIONS = { redact: { type: 'boolean' }, map: { type: 'string' } } as const;

export function allowsIncomplete(o: CommonOptions): boolean {
  return o.values['allow-incomplete'] === true;
}

/** `formats`: what this command can print (most print text, json and markdown; `trace` adds csv). */
export function parseCommon(
  args: string[],
  extra: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {},
  formats: readonly Format[] = FORMATS,
): CommonOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' }, at: { type: 'string' }, full: { type: 'boolean' }, ...extra },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const format = (v.format as string | undefined) ?? 'text';
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')} (got "${format}").`);
  let at = new Date();
  if (typeof v.at === 'string') {
    const t = Date.parse(v.at);
    if (Number.isNaN(t)) throw new UsageError(`--at must be an ISO 8601 time such as 2026-11-22T09:00:00Z (got "${v.at}").`);
    at = new Date(t);
  }
  const output = (v.output as string | undefined) ?? null;
  // Checked before anything is read: a long read must not end in "cannot write the report".
  if (output !== null) checkWritableFile(output, '--output', format);
  const mapFile = typeof v.map === 'string' ? v.map : null;
  if (mapFile !== null && v.redact !== true) throw new UsageError('--map goes with --redact (or with the redact command).');
  if (mapFile !== null) checkWritableFile(mapFile, '--map', 'json');
  const redact = v.redact === true ? { map: mapFile } : null;
  return { format: format as Format, output, at, atGiven: typeof v.at === 'string', paths: parsed.positionals, full: v.full === true, values: v, redact };
}

const EXTENSIONS: Record<string, string> = { text: 'txt', json: 'json', markdown: 'md', csv: 'csv', html: 'html' };

/** A file the command will write: not a folder, and in a folder that exists. */
export function checkWritableFile(path: string, option: string, format: string): void {
  const example = `report.${EXTENSIONS[format] ?? 'txt'}`;
  if (path === '') throw new UsageError(`${option} needs a file name.`);
  const st = statOrNull(path);
  if (st?.isDirectory() || (st === null && /[\\/]$/.test(path))) {
    throw new UsageError(`${option} ${path} is a folder; name a file in it, e.g. ${option} ${join(path, example)}`);
  }
  const folder = dirname(resolve(path));
  const parent = statOrNull(folder);
  if (parent === null) throw new UsageError(`${option} ${path}: the folder ${dirname(path)} does not exist; create it first, or name a file in an existing folder.`);
  if (!parent.isDirectory()) throw new UsageError(`${option} ${path}: ${dirname(path)} is not a folder.`);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
