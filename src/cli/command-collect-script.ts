import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkCollectOptions, DEFAULT_COLLECT_OPTIONS, MAX_MESSAGE_TRACE_DAYS, type CollectOptions, type CollectSide } from '../collect/collect-options.js';
import { collectScript } from '../collect/collect-script.js';
import { checkWritableFile, UsageError } from './options.js';

export const COLLECT_SCRIPT_USAGE = `Usage:
  mailflow-doctor collect-script [--onprem|--online|--both] > Collect-MailflowEvidence.ps1

Writes a PowerShell script that collects everything mailflow-doctor reads into one folder and a
zip file, which \`mailflow-doctor diagnose FILE.zip\` reads as it is. The script runs read-only Get-*
cmdlets only (Export-Clixml of whole objects), logs a failing cmdlet and goes on, asks for the
public IP addresses after NAT, looks up MX records, and writes no password or token.

Options:
  --onprem                      Exchange Management Shell side only
  --online                      Exchange Online side only
  --both                        both (default): on-premises first, then Connect-ExchangeOnline
  --protocol-log-days N         default of -ProtocolLogDays: copy N days of SMTP protocol logs (0)
  --message-trace-days N        default of -MessageTraceDays: N days of message trace (2, at most ${MAX_MESSAGE_TRACE_DAYS})
  --recipients                  default -IncludeRecipients on (Get-Recipient; large)
  --queues                      default -IncludeQueues on (Get-Queue, Get-Message LastError)
  --delegated-organization D    partners: collect tenant D (repeat for each tenant)
  --output FILE                 write the script to FILE instead of standard output

Every default can be changed when the script is run (Get-Help .\\Collect-MailflowEvidence.ps1 -Detailed).
Manual: docs/collect-evidence.md.
`;

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
