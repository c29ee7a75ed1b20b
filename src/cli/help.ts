import { COLLECT_SCRIPT_USAGE, EXPLAIN_USAGE, PROBE_USAGE } from './usage-texts.js';

/**
 * `mailflow-doctor COMMAND --help` (and `-h`, and `mailflow-doctor help COMMAND`): what the
 * command takes, its options and one example an admin can run as written. Printed on standard
 * output with exit 0; a usage error prints to standard error with exit 2 instead.
 */

const OUTPUT_OPTIONS = `  --output FILE, -o FILE        write the report to FILE (its folder must exist)
  --at TIME                     ISO 8601 moment certificates are judged at (default now)`;

const REDACT_OPTIONS = `  --redact                      replace every customer name, address and id in the report by a
                                consistent pseudonym (as \`mailflow-doctor redact\` does to the files)
  --map FILE                    with --redact: the redaction map to reuse and extend (kept private,
                                it turns the pseudonyms back: \`redact --reverse --map FILE\`)`;

const CASE_OPTIONS = `  --allow-incomplete            exit as if the case were whole when some input could not be read or
                                was read in part (it is still reported)`;

const EXIT_CASE = `Exit status: 0 no error finding; 1 an error finding, or an input could not be read whole;
2 usage error, unreadable input, or nothing usable read.`;

const EXIT_EVIDENCE = `Exit status: 0 when something was read; 2 on a usage error or when no input could be read.`;

const DIAGNOSE = `Usage:
  mailflow-doctor diagnose [PATH…]      read every file under the paths (default: .), simulate every
                                        flow, report the findings with evidence and fixes

Options:
  --format text|json|markdown|html, -f   output format (default text); html: one self-contained page
${OUTPUT_OPTIONS}
  --full                        text: every evidence line and flow, not the first few
  --keylog FILE                 TLS key log for captures among the inputs (repeatable)
${CASE_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor diagnose ./case --format html --output report.html

${EXIT_CASE}
`;

const DEMO = `Usage:
  mailflow-doctor demo                  diagnose the bundled example (scenario S1, judged at
                                        2026-11-22T12:00:00Z so the output is reproducible)

Options:
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
  --full                        text: every evidence line and flow, not the first few
${REDACT_OPTIONS}

Example:
  mailflow-doctor demo --format html --output demo.html

${EXIT_CASE}
`;

const SIMULATE = `Usage:
  mailflow-doctor simulate PATH… --from ADDR --to ADDR [--origin NAME] [--destination NAME]
                                        one message through the case, every decision on every hop

Options:
  --from ADDR, --to ADDR        sender and recipient (required)
  --origin NAME                 tenant or organization the sender's mailbox is in (default: by domain)
  --destination NAME            tenant or organization the recipient's mailbox is in (default: by domain)
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
${CASE_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor simulate examples/s1-provider-wildcard --from ann@setebos-ag.com --to bob@fabrikam.com --origin "Setebos AG"

Exit status: 0 whatever the message's outcome (read it in the output); at least 1 when an input could
not be read whole; 2 on a usage error, an unknown --origin/--destination or an unreadable input.
`;

const WHATIF = `Usage:
  mailflow-doctor whatif PATH… --change 'CMDLET …' [--change …]
                                        what a change would fix and break, before it is made

Options:
  --change 'CMDLET …'           an Exchange cmdlet line to apply to a copy of the case (repeatable, in order)
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
  --full                        text: every flow, not the first few
${CASE_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor whatif examples/s2-cert-connector-before --change 'Set-InboundConnector "On-premises relay (IP)" -Enabled $false'

Exit status: 0 nothing breaks; 1 a working flow breaks or an error finding is added; 2 usage error,
unknown cmdlet or parameter, or unreadable input.
`;

const TRACE = `Usage:
  mailflow-doctor trace FILE|FOLDER… [--connector NAME] [--sender-domain D] [--since T] [--until T] [--list [--limit N]]
                                        summarise Exchange Online message traces by connector, sender
                                        domain, day, direction and tenant

Options:
  --connector NAME              only messages through this inbound connector (repeatable)
  --sender-domain D             only messages from this sender domain (repeatable)
  --since T, --until T          ISO 8601 bounds (a date alone as --until means the end of that day)
  --list                        also list the messages (up to --limit N, default 10000; 0: no limit)
  --format text|json|markdown|csv|html, -f   output format (default text)
${OUTPUT_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor trace MessageTrace.csv --connector "Inbound from Contoso" --format markdown

${EXIT_EVIDENCE}
`;

const LOGS = `Usage:
  mailflow-doctor logs FILE|FOLDER… [--limit N]
                                        SMTP sessions rebuilt from Exchange protocol logs; message
                                        tracking logs are read and counted

Options:
  --limit N                     sessions listed (default 1000); the rest are counted
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor logs "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\Logs\\Hub\\ProtocolLog\\SmtpSend"

${EXIT_EVIDENCE}
`;

const PCAP = `Usage:
  mailflow-doctor pcap FILE|- [--keylog FILE]…
                                        every SMTP session in a capture (pcap or pcapng): STARTTLS,
                                        TLS, certificates, replies; - reads the capture from standard input

Options:
  --keylog FILE                 TLS key log (SSLKEYLOGFILE format) to decrypt TLS 1.2/1.3 (repeatable)
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
${REDACT_OPTIONS}

Example:
  tcpdump -i eth0 -w - 'tcp port 25' | mailflow-doctor pcap -
  mailflow-doctor pcap smtp.pcapng --keylog keys.log

${EXIT_EVIDENCE}
`;

const HEADERS = `Usage:
  mailflow-doctor headers FILE…|-       hops, TLS, AuthAs and anti-spam stamps of message headers
                                        (.eml, Outlook .msg, mbox, pasted headers; - reads standard input)

Options:
  --format text|json|markdown|html, -f   output format (default text)
${OUTPUT_OPTIONS}
${REDACT_OPTIONS}

Example:
  mailflow-doctor headers bounced-message.eml

${EXIT_EVIDENCE}
`;

const EXPLAIN = `${EXPLAIN_USAGE}
Example:
  mailflow-doctor explain '550 5.7.64 TenantAttribution; Relay Access Denied ATTR36'
`;

const HELP: Record<string, string> = {
  diagnose: DIAGNOSE,
  demo: DEMO,
  simulate: SIMULATE,
  whatif: WHATIF,
  trace: TRACE,
  logs: LOGS,
  pcap: PCAP,
  headers: HEADERS,
  explain: EXPLAIN,
  'collect-script': COLLECT_SCRIPT_USAGE,
  probe: PROBE_USAGE,
};

/** The help of a command, or null for a command this table does not hold (`redact` prints its own). */
export function commandHelp(command: string): string | null {
  return HELP[command] ?? null;
}

/**
 * Whether the arguments ask for help. Only arguments before `--` count (after it everything is a
 * path or text); `explain` takes free text, so there only a leading `-h` or a `--help` counts.
 */
export function asksForHelp(command: string, args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end >= 0 ? args.slice(0, end) : args;
  if (command === 'explain') return options[0] === '-h' || options.includes('--help');
  return options.includes('--help') || options.includes('-h');
}
