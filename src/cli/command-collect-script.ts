import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkCollectOptions, DEFAULT_COLLECT_OPTIONS, MAX_MESSAGE_TRACE_DAYS, type CollectOptions, type CollectSide } from '../collect/collect-options.js';
import { collectScript } from '../collect/collect-script.js';
import { checkWritableFile, UsageError } from './options.js';
import { COLLECT_SCRIPT_USAGE } from './usage-texts.js';

function wholeNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`${option} must be a whole number (got "${value}").`);
  return Number(value);
}

export function collectOptionsFromArgs(args: string[]): { options: CollectOptions; output: string | null } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        onprem: { type: 'boolean' },
        online: { type: 'boolean' },
        both: { type: 'boolean' },
        'protocol-log-days': { type: 'string' },
        'message-trace-days': { type: 'string' },
        recipients: { type: 'boolean' },
        queues: { type: 'boolean' },
        'delegated-organization': { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const sides = (['onprem', 'online', 'both'] as const).filter((s) => v[s] === true);
  if (sides.length > 1) throw new UsageError(`choose one of --onprem, --online, --both (got ${sides.map((s) => `--${s}`).join(' and ')}).`);
  const side: CollectSide = sides[0] ?? DEFAULT_COLLECT_OPTIONS.side;
  const options: CollectOptions = {
    side,
    protocolLogDays: wholeNumber(v['protocol-log-days'], '--protocol-log-days', DEFAULT_COLLECT_OPTIONS.protocolLogDays),
    messageTraceDays: wholeNumber(v['message-trace-days'], '--message-trace-days', DEFAULT_COLLECT_OPTIONS.messageTraceDays),
    recipients: v.recipients === true,
    queues: v.queues === true,
    delegatedOrganizations: v['delegated-organization'] ?? [],
  };
  const problems = checkCollectOptions(options);
  if (problems.length > 0) throw new UsageError(problems.join(' '));
  const output = v.output ?? null;
  if (output !== null) checkWritableFile(output, '--output', 'ps1');
  return { options, output };
}

/** `collect-script`: prints the collection script (issue 16 item 4). */
export async function collectScriptCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(COLLECT_SCRIPT_USAGE);
    return 0;
  }
  const { options, output } = collectOptionsFromArgs(args);
  const script = collectScript(options);
  // Written as it is: the script holds no path to shorten and nothing to redact.
  if (output !== null) await writeFile(output, script, 'utf8');
  else process.stdout.write(script);
  return 0;
}
