import type { ReceiveConnector } from './case.js';

/**
 * Typed access to the receive-connector properties the case keeps under `extra`
 * (EXO-SEMANTICS "Inputs the v2 model reads": `Bindings`, `TlsDomainCapabilities`, `RequireTLS`).
 * Values arrive as a topology writes them (`0.0.0.0:25`, `mail.protection.outlook.com:AcceptCloudServicesMail`),
 * as ConvertTo-Json writes them (objects with `Address`/`Port`, `Domain`/`Capabilities`), or as
 * a what-if change stores them (lists of text).
 */

export interface IpBinding {
  /** `0.0.0.0` / `::` mean every local address. */
  address: string;
  port: number;
}

export interface DomainCapabilities {
  /** Lower case; may start with `*.`. */
  domain: string;
  /** As Exchange names them (`AcceptCloudServicesMail`, `AcceptOorgProtocol` …). */
  capabilities: string[];
}

/** Get-ReceiveConnector's `Bindings`; null when the case does not say (the caller picks the default). */
export function receiveConnectorBindings(rc: ReceiveConnector): IpBinding[] | null {
  const raw = rc.extra.Bindings;
  if (raw === undefined || raw === null) return null;
  const out: IpBinding[] = [];
  for (const item of listOf(raw)) {
    const b = typeof item === 'string' ? parseBinding(item) : bindingObject(item);
    if (b) out.push(b);
  }
  return out.length > 0 ? out : null;
}

/** `0.0.0.0:25`, `[::]:25`, `:::25`, `203.0.113.10:25`. */
export function parseBinding(text: string): IpBinding | null {
  const t = text.trim();
  const colon = t.lastIndexOf(':');
  if (colon <= 0 && !t.startsWith(':::')) return null;
  const port = Number(t.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  let address = t.slice(0, colon).trim().replace(/^\[|\]$/g, '');
  if (address === '::' || address === '') address = '::';
  return { address: address.toLowerCase(), port };
}

function bindingObject(item: unknown): IpBinding | null {
  if (typeof item !== 'object' || item === null) return null;
  const o = item as Record<string, unknown>;
  const a = o.Address;
  const address = typeof a === 'string' ? a : typeof a === 'object' && a !== null && typeof (a as Record<string, unknown>).IPAddressToString === 'string' ? ((a as Record<string, unknown>).IPAddressToString as string) : null;
  const port = typeof o.Port === 'number' ? o.Port : Number(o.Port);
  if (address === null || !Number.isInteger(port)) return null;
  return { address: address.replace(/^\[|\]$/g, '').toLowerCase(), port };
}

/** A binding as Exchange prints it. */
export function formatBinding(b: IpBinding): string {
  return b.address.includes(':') ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`;
}

export function isAnyAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Get-ReceiveConnector's `TlsDomainCapabilities` (`domain:Capability1,Capability2`); an empty list
 * when the connector grants none, null when a value in the case cannot be read (e.g. a numeric
 * flags value), so the caller treats it as unknown rather than as "none".
 */
export function receiveConnectorTlsDomainCapabilities(rc: ReceiveConnector): DomainCapabilities[] | null {
  const raw = rc.extra.TlsDomainCapabilities;
  if (raw === undefined || raw === null) return [];
  const out: DomainCapabilities[] = [];
  for (const item of listOf(raw)) {
    if (typeof item === 'string') {
      for (const piece of item.split(/[\s;]+/)) {
        const t = piece.trim();
        if (t === '') continue;
        const colon = t.indexOf(':');
        if (colon > 0) out.push({ domain: t.slice(0, colon).trim().toLowerCase(), capabilities: splitCapabilities(t.slice(colon + 1)) });
        // `domain:A,B` written unquoted in PowerShell arrives as two items, `domain:A` and `B`.
        else if (out.length > 0) out[out.length - 1]!.capabilities.push(...splitCapabilities(t));
        else return null;
      }
      continue;
    }
    if (typeof item !== 'object' || item === null) return null;
    const o = item as Record<string, unknown>;
    const d = o.Domain;
    const domain = typeof d === 'string' ? d : typeof d === 'object' && d !== null ? firstText(d as Record<string, unknown>, ['Domain', 'Address', 'SmtpDomain']) : null;
    if (domain === null || typeof o.Capabilities !== 'string') return null;
    out.push({ domain: domain.trim().toLowerCase(), capabilities: splitCapabilities(o.Capabilities) });
  }
  return out;
}

/** Whether the connector grants `capability` to TLS sessions from `domain`; null when unknown. */
export function grantsTlsDomainCapability(rc: ReceiveConnector, domain: string, capability: string): boolean | null {
  const list = receiveConnectorTlsDomainCapabilities(rc);
  if (list === null) return null;
  const d = domain.toLowerCase();
  const cap = capability.toLowerCase();
  return list.some((e) => (e.domain === d || (e.domain.startsWith('*.') && d.endsWith(e.domain.slice(1)))) && e.capabilities.some((c) => c.toLowerCase() === cap));
}

/** Entries as Exchange prints them: `mail.protection.outlook.com:AcceptCloudServicesMail`. */
export function formatTlsDomainCapabilities(list: readonly DomainCapabilities[]): string[] {
  return list.map((e) => `${e.domain}:${e.capabilities.join(',')}`);
}

/** Set-ReceiveConnector `RequireTLS`; absent means $false (the cmdlet's default). */
export function receiveConnectorRequireTls(rc: ReceiveConnector): boolean {
  const v = rc.extra.RequireTLS;
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

/**
 * Whether `AuthMechanism` holds a value. A connector without one in the case is taken to have the
 * default of a Default Frontend connector, which includes Tls (EXO-SEMANTICS M8.4).
 */
export function hasAuthMechanism(rc: ReceiveConnector, mechanism: string): boolean | null {
  if (rc.AuthMechanism === null) return null;
  const m = mechanism.toLowerCase();
  return rc.AuthMechanism.split(/[\s,]+/).some((x) => x.toLowerCase() === m);
}

function splitCapabilities(text: string): string[] {
  return text.split(',').map((c) => c.trim()).filter((c) => c !== '');
}

function listOf(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw.split(/\s*,\s*(?=[^,]*:)|\s+/).filter((s) => s !== '');
  return [raw];
}

function firstText(o: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return null;
}
