import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

/**
 * Where the probe connects: `HOST[:PORT]` as given (`[2001:db8::1]:25` for IPv6), or with --mx
 * the lowest-preference MX of a domain (RFC 5321 §5.1), looked up with the system resolver or the
 * one --dns names. The probe connects nowhere else.
 */
export class TargetError extends Error {}

export function parseTarget(target: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(target);
  if (bracketed) return { host: bracketed[1]!, port: port(bracketed[2], defaultPort, target) };
  if (isIP(target) === 6) return { host: target, port: defaultPort };
  const m = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(target);
  if (!m) throw new TargetError(`"${target}" is not HOST or HOST:PORT (IPv6 as [ADDRESS]:PORT).`);
  return { host: m[1]!, port: port(m[2], defaultPort, target) };
}

function port(text: string | undefined, fallback: number, target: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (n < 1 || n > 65535) throw new TargetError(`the port in "${target}" must be 1–65535.`);
  return n;
}

export interface MxTarget {
  mx: { exchange: string; priority: number }[];
  host: string;
  address: string | null;
}

/** `--dns SERVER`: IP or IP:PORT of the resolver to ask instead of the system's. */
export async function resolveMxTarget(domain: string, dnsServer: string | null, timeoutMs: number): Promise<MxTarget> {
  const resolver = new dns.Resolver({ timeout: Math.min(timeoutMs, 5000), tries: 2 });
  if (dnsServer) {
    try {
      resolver.setServers([dnsServer]);
    } catch (e) {
      throw new TargetError(`--dns ${dnsServer}: ${(e as Error).message}`);
    }
  }
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (e) {
    throw new TargetError(`no MX for ${domain}${dnsServer ? ` at ${dnsServer}` : ''}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  records = records.filter((r) => r.exchange !== '' && r.exchange !== '.').sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  // RFC 7505: a single "." MX says the domain takes no mail.
  if (records.length === 0) throw new TargetError(`${domain} has no usable MX (a null MX "." says it accepts no mail).`);
  const host = records[0]!.exchange;
  // With a chosen resolver the MX host's address comes from it too; the system's would not know a private zone.
  let address: string | null = null;
  if (dnsServer) {
    const v4 = await resolver.resolve4(host).catch(() => [] as string[]);
    const v6 = v4.length > 0 ? [] : await resolver.resolve6(host).catch(() => [] as string[]);
    address = v4[0] ?? v6[0] ?? null;
    if (address === null) throw new TargetError(`the MX host ${host} of ${domain} has no A or AAAA record at ${dnsServer}.`);
  }
  return { mx: records, host, address };
}
