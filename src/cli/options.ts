import { parseArgs } from 'node:util';

/** Command-line options shared by every command (CONTRACT: --format, --output, --at). */
export type Format = 'text' | 'json' | 'markdown' | 'csv';

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
}

const FORMATS: readonly Format[] = ['text', 'json', 'markdown'];

/**
 * `--allow-incomplete`, for the commands that read a whole case (diagnose, demo, whatif, simulate):
 * accept results from inputs that could not be read or were read in part, and exit as if the case
 * were whole (by default such results never exit 0).
 */
export const CASE_OPTIONS = { 'allow-incomplete': { type: 'boolean' } } as const;

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
  if (format === 'html') throw new UsageError('--format html is not available yet; use text, json or markdown.');
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')} (got "${format}").`);
  let at = new Date();
  if (typeof v.at === 'string') {
    const t = Date.parse(v.at);
    if (Number.isNaN(t)) throw new UsageError(`--at must be an ISO 8601 time such as 2026-11-22T09:00:00Z (got "${v.at}").`);
    at = new Date(t);
  }
  return { format: format as Format, output: (v.output as string | undefined) ?? null, at, atGiven: typeof v.at === 'string', paths: parsed.positionals, full: v.full === true, values: v };
}
