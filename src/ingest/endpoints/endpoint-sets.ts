/** One endpoint set as the web service writes it; blank arrays and ports are omitted, not empty (FORMATS.md 7). */
export interface EndpointSet {
  id?: unknown;
  serviceArea?: unknown;
  urls?: unknown[];
  ips?: unknown[];
  tcpPorts?: unknown;
}

/** `tcpPorts` is a string: a comma list with `a-b` ranges ("25", "80,443", "587,993-995"). */
export function portsInclude(ports: unknown, port: number): boolean {
  if (typeof ports !== 'string' && typeof ports !== 'number') return false;
  return String(ports)
    .split(',')
    .some((part) => {
      const [a, b] = part.trim().split('-').map((p) => Number(p.trim()));
      if (a === undefined || Number.isNaN(a)) return false;
      return b === undefined ? a === port : !Number.isNaN(b) && a <= port && port <= b;
    });
}

/**
 * EOP's inbound SMTP hosts are `*.mail.protection.outlook.com` in the worldwide instance
 * (`*.mail.protection.office365.us`, `*.mail.protection.partner.outlook.cn` elsewhere), so the
 * wildcard host under `mail.protection.` identifies the set whatever the instance.
 */
function isEopSmtpUrl(url: unknown): boolean {
  return typeof url === 'string' && /^\*\.mail\.protection\./i.test(url.trim());
}

/** Endpoint sets for Exchange Online SMTP: serviceArea Exchange, TCP 25, EOP's SMTP host names. */
export function selectSmtpSets(sets: EndpointSet[]): EndpointSet[] {
  return sets.filter(
    (s) =>
      s !== null &&
      typeof s === 'object' &&
      typeof s.id === 'number' &&
      s.serviceArea === 'Exchange' &&
      portsInclude(s.tcpPorts, 25) &&
      Array.isArray(s.urls) &&
      s.urls.some(isEopSmtpUrl),
  );
}

/**
 * Whether text is an endpoints answer, from its start: a JSON array whose first object has
 * `id` and `serviceArea` (or PowerShell 5.1's `{"value": [...]}` wrapper around one).
 */
export function detectEndpointsText(text: string): 'endpoints' | 'endpoints-version' | null {
  const head = text.slice(0, 4096).trimStart();
  if (/^\{\s*"instance"\s*:\s*"[A-Za-z]+"\s*,\s*"latest"\s*:\s*"?\d{10}"?\s*\}\s*$/.test(text.trim())) return 'endpoints-version';
  const body = head.startsWith('[') ? head : /^\{\s*"value"\s*:\s*\[/.test(head) ? head.slice(head.indexOf('[')) : null;
  if (body === null) return null;
  const firstObject = /^\[\s*(\{[^}]*)/.exec(body)?.[1] ?? '';
  return /"id"\s*:\s*\d+/.test(firstObject) && /"serviceArea"\s*:\s*"/.test(firstObject) ? 'endpoints' : null;
}
