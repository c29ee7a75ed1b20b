import { fileURLToPath } from 'node:url';
import { CmdletError } from '../engine/cmdlet-error.js';
import { toolVersion } from '../report/html/tool-version.js';
import { asksForHelp, commandHelp } from './help.js';
import { InputError } from './input-error.js';
import { UsageError } from './options.js';

const USAGE = `mailflow-doctor — why mail flows the way it does between Exchange, gateways and Exchange Online

Usage:
  mailflow-doctor diagnose [PATH…]                       read the case, simulate flows, report findings
  mailflow-doctor simulate PATH… --from ADDR --to ADDR [--origin NAME] [--destination NAME]
  mailflow-doctor whatif PATH… --change 'CMDLET …' [--change …]
  mailflow-doctor headers FILE…|- [--format text|json]   hops, verdicts and Microsoft stamps of message headers
  mailflow-doctor trace FILE… [--connector NAME] [--sender-domain D] [--since T] [--until T] [--list [--limit N]]   summarise message traces (--format text|json|csv)
  mailflow-doctor pcap FILE|- [--keylog FILE]…           every SMTP session in a capture: STARTTLS, TLS, certificates, replies
  mailflow-doctor probe HOST[:PORT] --from ADDR --to ADDR [--cert PEM --key PEM]   ask the server at RCPT TO whether it would relay (sends no message)
  mailflow-doctor logs FILE|FOLDER… [--limit N]          SMTP sessions rebuilt from Exchange protocol logs
  mailflow-doctor explain TEXT…|- [--case PATH]          code, meaning, causes and fixes of NDR / SMTP statuses in TEXT
  mailflow-doctor demo                                   diagnose the bundled example (scenario S1)
  mailflow-doctor collect-script [--onprem|--online|--both]   PowerShell script that collects the evidence into a zip diagnose reads
  mailflow-doctor redact PATH… --out DIR [--map FILE] [--keep NAME…] | redact --reverse --map FILE [FILE…|-]   shareable copy with pseudonyms

Options:
  --format text|json|markdown|html   output format (default text); html: one self-contained page
                                (trace adds csv; headers: text, json, html)
  --output FILE                 write the report to FILE (its folder must exist)
  --at TIME                     ISO 8601 moment certificates are judged at (default now)
  --full                        text reports: every evidence line and flow, not the first few
  --allow-incomplete            diagnose, demo, whatif, simulate: exit as if the case were whole when
                                some input could not be read or was read in part (it is still reported)
  --redact [--map FILE]         report commands: names, addresses and ids replaced by pseudonyms
  --help, -h                    with a command: its usage, options and an example
  --version                     the version of mailflow-doctor

Exit status: 0 no error findings; 1 error findings (whatif: a working flow breaks), or some input
could not be read or was read in part; 2 usage or unreadable input, or nothing usable was read.
`;

/** The bundled example `demo` diagnoses, and the moment it is judged at so its output is reproducible. */
export const DEMO_CASE = fileURLToPath(new URL('../../examples/s1-provider-wildcard', import.meta.url));
export const DEMO_AT = new Date('2026-11-22T12:00:00Z');

/**
 * Each command's module is loaded when that command runs: loading all of them (the simulator, every
 * reader, the renderers) costs a short command like `pcap` or `--version` a large part of its run.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && command !== 'redact') {
    const help = commandHelp(command);
    if (help !== null && asksForHelp(command, rest)) {
      process.stdout.write(help);
      return 0;
    }
  }
  try {
    switch (command) {
      case 'diagnose':
        return await (await import('./command-diagnose.js')).diagnoseCommand(rest);
      case 'simulate':
        return await (await import('./command-simulate.js')).simulateCommand(rest);
      case 'whatif':
        return await (await import('./command-whatif.js')).whatIfCommand(rest);
      case 'pcap':
        return await (await import('./command-pcap.js')).pcapCommand(rest);
      case 'probe':
        return await (await import('./command-probe.js')).probeCommand(rest);
      case 'logs':
        return await (await import('./command-logs.js')).logsCommand(rest);
      case 'headers':
        return await (await import('./command-headers.js')).headersCommand(rest);
      case 'trace':
        return await (await import('./command-trace.js')).traceCommand(rest);
      case 'explain':
        return await (await import('./command-explain.js')).explainCommand(rest);
      case 'redact':
        return await (await import('./command-redact.js')).redactCommand(rest);
      case 'collect-script':
        return await (await import('./command-collect-script.js')).collectScriptCommand(rest);
      case 'demo':
        return await (await import('./command-diagnose.js')).diagnoseCommand(rest, { paths: [DEMO_CASE], at: DEMO_AT });
      case '--version':
      case '-V':
      case 'version':
        process.stdout.write(`mailflow-doctor ${toolVersion()}\n`);
        return 0;
      case 'help':
      case '--help':
      case '-h':
        return helpCommand(rest[0]);
      case undefined:
        // No command is a usage error: the usage goes to standard error, as every usage error does.
        process.stderr.write(USAGE);
        return 2;
      default:
        process.stderr.write(`mailflow-doctor: unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`mailflow-doctor ${command}: ${e.message}\nRun "mailflow-doctor ${command} --help" for its usage.\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof CmdletError) {
      process.stderr.write(`mailflow-doctor ${command}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`mailflow-doctor ${command}: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`);
    return 2;
  }
}

/** `mailflow-doctor help [COMMAND]`: the overview, or one command's help. */
async function helpCommand(command: string | undefined): Promise<number> {
  if (command === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'redact') return (await import('./command-redact.js')).redactCommand(['--help']);
  const help = commandHelp(command);
  if (help === null) {
    process.stderr.write(`mailflow-doctor help: unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  process.stdout.write(help);
  return 0;
}
