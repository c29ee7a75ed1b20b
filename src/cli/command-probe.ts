import { hostname } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CredentialsError, loadCredentials, PFX_PASSPHRASE_VARIABLE } from '../probe/probe-credentials.js';
import { compareWithCase, routeFlow, type CaseComparison } from '../probe/probe-case.js';
import { renderProbeJson, renderProbeText } from '../probe/probe-render.js';
import { runProbe } from '../probe/probe-session.js';
import { parseTarget, resolveMxTarget, TargetError, type MxTarget } from '../probe/probe-target.js';
import type { ProbeOptions, StartTlsMode } from '../probe/probe-types.js';
import { probeVerdict } from '../probe/probe-verdict.js';
import { loadOrFail } from './load.js';
import { PROBE_USAGE } from './usage-texts.js';
import { checkWritableFile, UsageError } from './options.js';
import { emit, styleFor } from './output.js';

const OPTIONS = {
  from: { type: 'string' }, to: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, pfx: { type: 'string' },
  ehlo: { type: 'string' }, starttls: { type: 'string' }, 'implicit-tls': { type: 'boolean' }, 'expect-name': { type: 'string' },
  ca: { type: 'string' }, timeout: { type: 'string' }, keylog: { type: 'string' }, mx: { type: 'boolean' }, dns: { type: 'string' },
  case: { type: 'string' }, 'send-test-message': { type: 'boolean' }, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ADDRESS = /^[^\s@<>]+@[A-Za-z0-9.-]+$/;

export async function probeCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(PROBE_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('probe needs exactly one HOST[:PORT] (or a domain with --mx), e.g. mailflow-doctor probe contoso-com.mail.protection.outlook.com --from a@contoso.com --to b@fabrikam.com');
  for (const [name, value] of [['--from', v.from], ['--to', v.to]] as const) {
    if (!value) throw new UsageError(`probe needs ${name} ADDRESS (e.g. --from postmaster@contoso.com --to someone@fabrikam.com).`);
    if (!ADDRESS.test(value)) throw new UsageError(`${name} "${value}" is not an address such as someone@contoso.com.`);
  }
  // Every value goes on the wire as part of a command line: no spaces or line breaks may smuggle in a second command.
  if (v.ehlo !== undefined && !/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])$/.test(v.ehlo)) throw new UsageError(`--ehlo "${v.ehlo}" is not a host name or [address literal].`);
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}").`);
  const starttls = (v.starttls ?? 'require') as StartTlsMode;
  if (!['require', 'try', 'no'].includes(starttls)) throw new UsageError(`--starttls must be require, try or no (got "${v.starttls}").`);
  if (v['implicit-tls'] && v.starttls !== undefined) throw new UsageError('--implicit-tls and --starttls exclude each other: with implicit TLS there is no STARTTLS.');
  const seconds = v.timeout === undefined ? 30 : Number(v.timeout);
  if (!(seconds > 0 && seconds <= 600)) throw new UsageError(`--timeout must be a number of seconds from 0 to 600 (got "${v.timeout}").`);
  if (v.dns !== undefined && !v.mx) throw new UsageError('--dns goes with --mx (it names the resolver for the MX lookup).');
  if (v.output !== undefined) checkWritableFile(v.output, '--output', format);
  if (v.keylog !== undefined) checkWritableFile(v.keylog, '--keylog', 'text');
  let credentials;
  let ca: Buffer | null = null;
  let target;
  try {
    credentials = loadCredentials(v.cert, v.key, v.pfx);
    ca = v.ca === undefined ? null : readFileSync(v.ca);
    target = parseTarget(parsed.positionals[0]!, v['implicit-tls'] ? 465 : 25);
  } catch (e) {
    if (e instanceof CredentialsError || e instanceof TargetError) throw new UsageError(e.message);
    throw new UsageError(`--ca ${v.ca}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const timeoutMs = seconds * 1000;
  let mx: MxTarget | null = null;
  if (v.mx) {
    try {
      mx = await resolveMxTarget(target.host, v.dns ?? null, timeoutMs);
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      process.stderr.write(`mailflow-doctor probe: ${e.message}\n`);
      return 2;
    }
  }
  // A --case that cannot be read is a usage error before any connection is made.
  const theCase = v.case === undefined ? null : await loadOrFail([v.case]);
  if (v.keylog !== undefined) writeFileSync(v.keylog, '', { flag: 'a', mode: 0o600 });
  const options: ProbeOptions = {
    target: parsed.positionals[0]!,
    host: mx?.host ?? target.host,
    address: mx?.address ?? null,
    port: target.port,
    from: v.from!,
    to: v.to!,
    ehlo: v.ehlo ?? hostname(),
    starttls,
    implicitTls: v['implicit-tls'] === true,
    expectName: v['expect-name'] ?? null,
    timeoutMs,
    credentials,
    ca,
    keylogFile: v.keylog ?? null,
    sendTestMessage: v['send-test-message'] === true,
  };
  const result = await runProbe(options, mx?.mx ?? null);
  const verdict = probeVerdict(result, options);
  let comparison: CaseComparison | null = null;
  if (theCase) comparison = compareWithCase(routeFlow(theCase, options.from, options.to, new Date()), result, verdict, v.case!);
  const text = format === 'json' ? renderProbeJson(result, options, verdict, comparison) : renderProbeText(result, options, verdict, comparison, styleFor(v.output ?? null));
  await emit(text, v.output ?? null);
  return verdict.exitCode;
}
