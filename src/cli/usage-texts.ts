import { MAX_MESSAGE_TRACE_DAYS } from '../collect/collect-options.js';
import { PFX_PASSPHRASE_VARIABLE } from '../probe/probe-passphrase.js';

/**
 * The usage texts that `help COMMAND` prints and the commands print for `--help`, kept apart from
 * the commands so that help loads none of a command's machinery.
 */

export const PROBE_USAGE = `Usage:
  mailflow-doctor probe HOST[:PORT] --from ADDR --to ADDR [--cert PEM --key PEM | --pfx FILE] [options]

Connects to HOST (port 25; 465 with --implicit-tls) as your on-premises server would, presents the
client certificate given, and asks at RCPT TO whether the server (Exchange Online) would accept
mail from --from for --to: 250, or a refusal such as 550 5.7.64 TenantAttribution, explained.

Safety: the probe connects only to HOST (or, with --mx, to the MX of the domain given), and says
only: EHLO, STARTTLS, EHLO, MAIL FROM, RCPT TO, RSET, QUIT. NO MESSAGE IS SENT unless
--send-test-message is given (then one small message marked as a test). The key, the PFX
passphrase and the TLS secrets are never printed.

Options:
  --from ADDR                   MAIL FROM address (its domain decides attribution, EXO-SEMANTICS M4)
  --to ADDR                     RCPT TO address
  --cert PEM --key PEM          client certificate (with its chain) and private key, PEM
  --pfx FILE                    client certificate as PKCS#12; the passphrase is read from the
                                environment variable ${PFX_PASSPHRASE_VARIABLE} only, never an argument
  --ehlo NAME                   name given in EHLO (default: this machine's host name)
  --starttls require|try|no     require (default): stop when TLS cannot be had; try: go on in clear
  --implicit-tls                TLS from the first byte (SMTPS, port 465)
  --expect-name NAME            the server certificate must name NAME (like TlsDomain with
                                DomainValidation); also sent as SNI
  --ca FILE                     also trust these PEM roots when validating the server's chain
  --timeout SECONDS             per step (default 30)
  --keylog FILE                 append the TLS secrets (NSS key log) to FILE for Wireshark or
                                mailflow-doctor pcap --keylog; keep it private
  --mx                          HOST is a domain: connect to its lowest-preference MX
  --dns SERVER                  with --mx: ask this resolver (IP or IP:PORT)
  --case PATH                   show the simulator's prediction for the same route beside the answer
  --send-test-message           send one small test message after RCPT TO is accepted
  --format text|json, -f        json: { sessions: [...], probe: {...} }, readable by diagnose
  --output FILE, -o FILE        write the report to FILE

Example:
  mailflow-doctor probe contoso-com.mail.protection.outlook.com --from postmaster@contoso.com \\
    --to someone@fabrikam.com --cert smtp.pem --key smtp.key --expect-name mail.protection.outlook.com

Exit status: 0 accepted at RCPT TO; 1 refused or deferred (also STARTTLS masked or missing, TLS
failed); 2 usage error, no connection, a timeout, or a server that closed mid-dialogue.
`;

export const EXPLAIN_USAGE = `Usage:
  mailflow-doctor explain TEXT…                          code, meaning, causes and fixes of every status in TEXT
  mailflow-doctor explain -                              the same for the text on standard input (an NDR, a LastError, log lines)

Options:
  --case PATH                   also name the findings of that case behind each status, and whether
                                the simulator reproduces it on a route of the case
  --format text|json|markdown   output format (default text)
  --output FILE                 write the explanation to FILE
  --at TIME                     with --case: ISO 8601 moment certificates are judged at (default now)

Exit status: 0 when it ran, whether or not a status was recognised; 2 on a usage error or an
unreadable --case.
`;

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
