import type { ExchangeServer, Organization, ReceiveConnector } from '../model/case.js';
import { formatBinding, isAnyAddress, receiveConnectorBindings, type IpBinding } from '../model/receive-connector-settings.js';
import { ipInRanges, parseIp, parseIpRange, rangeContains, type IpRange } from './ip-address.js';
import { serverByName } from './send-routing.js';

/**
 * Which receive connector a connection lands on (EXO-SEMANTICS M8.3, [SRC]): on the target
 * server, among enabled connectors bound to the local address and port, the one whose
 * RemoteIPRanges holds the source address most specifically.
 */

export type Landing =
  | { kind: 'connector'; connector: ReceiveConnector; explanation: string }
  /** The case holds no receive connector of the server: the wizard's Default Frontend is assumed. */
  | { kind: 'unknown'; explanation: string }
  /** No enabled connector on the port accepts the source address. */
  | { kind: 'none'; explanation: string };

/**
 * Well-known connectors Exchange creates, with their bindings, for connectors written without
 * `Bindings`. Any other connector is taken to listen on port 25 on every address (the
 * FrontendTransport `Default Frontend <server>` binding) — an assumption the caller states.
 */
const WELL_KNOWN_PORTS: readonly [RegExp, number][] = [
  [/^client frontend /i, 587],
  [/^client proxy /i, 465],
  [/^outbound proxy frontend /i, 717],
];

export function effectiveBindings(rc: ReceiveConnector): { bindings: IpBinding[]; given: boolean } {
  const given = receiveConnectorBindings(rc);
  if (given) return { bindings: given, given: true };
  for (const [re, port] of WELL_KNOWN_PORTS) if (re.test(rc.Name)) return { bindings: [{ address: '0.0.0.0', port }], given: false };
  // The HubTransport "Default <server>" connector of a Mailbox server listens on 2525.
  if (/^default (?!frontend)/i.test(rc.Name) && /hub/i.test(rc.TransportRole ?? '')) return { bindings: [{ address: '0.0.0.0', port: 2525 }], given: false };
  return { bindings: [{ address: '0.0.0.0', port: 25 }], given: false };
}

/** Receive connectors of one server (a connector without `Server` is taken to be on every server). */
export function receiveConnectorsOf(org: Organization, server: ExchangeServer): ReceiveConnector[] {
  return org.ReceiveConnectors.filter((rc) => rc.Server === null || serverByName(org, rc.Server) === server);
}

function rangeSize(r: IpRange): bigint {
  return BigInt(r.end) - BigInt(r.start);
}

/** The smallest of the connector's ranges holding the address; null when none does. */
function bestRange(rc: ReceiveConnector, sourceIp: string): IpRange | null {
  const ip = parseIp(sourceIp);
  if (!ip) return null;
  let best: IpRange | null = null;
  for (const text of rc.RemoteIPRanges) {
    const r = parseIpRange(text);
    if (r && rangeContains(r, ip) && (!best || rangeSize(r) < rangeSize(best))) best = r;
  }
  return best;
}

/**
 * `localAddresses`: the addresses the target resolves to (A records, the server's addresses);
 * a binding to a specific address counts when it is one of them, or when none of them is
 * private and the binding is (a NAT device in front of the server; the case cannot tell).
 */
export function landingConnector(org: Organization, server: ExchangeServer, sourceIp: string, localAddresses: readonly string[], port = 25): Landing & { assumptions: string[] } {
  const assumptions: string[] = [];
  const all = receiveConnectorsOf(org, server);
  if (all.length === 0) {
    return {
      kind: 'unknown',
      explanation: `The case holds no receive connector of ${server.Name}; the Default Frontend ${server.Name} the Hybrid Configuration Wizard configures is assumed.`,
      assumptions: [`assumed: Exchange Online lands on "Default Frontend ${server.Name}" as the Hybrid Configuration Wizard configures it (TLS with the hybrid certificate, AcceptCloudServicesMail); export Get-ReceiveConnector -Server ${server.Name} | ConvertTo-Json to check`],
    };
  }
  let best: { rc: ReceiveConnector; range: IpRange; specificBinding: boolean } | null = null;
  for (const rc of all) {
    if (!rc.Enabled) continue;
    const { bindings, given } = effectiveBindings(rc);
    const bound = bindings.filter((b) => b.port === port && (isAnyAddress(b.address) || bindsLocal(b, localAddresses)));
    if (bound.length === 0) continue;
    const range = bestRange(rc, sourceIp);
    if (!range) continue;
    const specificBinding = bound.some((b) => !isAnyAddress(b.address));
    if (!given && port === 25) assumptions.push(`assumed: receive connector "${rc.Name}" on ${server.Name} listens on 0.0.0.0:25 (no Bindings in the case)`);
    if (!best || rangeSize(range) < rangeSize(best.range) || (rangeSize(range) === rangeSize(best.range) && specificBinding && !best.specificBinding)) {
      best = { rc, range, specificBinding };
    }
  }
  if (!best) {
    const names = all.map((rc) => `"${rc.Name}"${rc.Enabled ? '' : ' (disabled)'} [${effectiveBindings(rc).bindings.map(formatBinding).join(', ')}; RemoteIPRanges ${rc.RemoteIPRanges.join(', ') || 'none'}]`);
    return { kind: 'none', explanation: `No enabled receive connector of ${server.Name} on port ${port} accepts ${sourceIp}: ${names.join('; ')}.`, assumptions };
  }
  return {
    kind: 'connector',
    connector: best.rc,
    explanation: `On ${server.Name} the connection lands on "${best.rc.Name}" (RemoteIPRanges ${best.range.text} is the most specific range holding ${sourceIp}).`,
    assumptions: assumptions.filter((a) => a.includes(`"${best!.rc.Name}"`)),
  };
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

function isPrivate(address: string): boolean {
  return ipInRanges(address, PRIVATE);
}

function bindsLocal(b: IpBinding, localAddresses: readonly string[]): boolean {
  if (localAddresses.some((a) => a.toLowerCase() === b.address)) return true;
  return isPrivate(b.address) && !localAddresses.some(isPrivate);
}
