import { readFileSync } from 'node:fs';
import { loadCase } from '../../src/ingest/load-case.js';
import { listInputFiles } from '../../src/ingest/walk-inputs.js';
import { decodeWithEncoding } from '../../src/redact/file-text.js';
import type { RedactionMap } from '../../src/redact/redaction-map.js';
import { isGenericWord } from '../../src/redact/vocabulary.js';

/**
 * Every identifier of a case that redaction must hide, gathered independently of the redaction
 * tokenizer: names from the loaded case (tenants, organizations, servers, connectors, gateways,
 * routes, certificates, DNS, flows) and, from the raw files by simple patterns, every IPv4
 * address, GUID, 40-digit thumbprint and e-mail address. Left out by design: Microsoft's own
 * names and ranges, reserved documentation names and ranges (RFC 2606/5737/3849), `--keep`
 * names, and object names made only of generic words ("Internet via gateway").
 */
export async function originalIdentifiers(path: string, map: RedactionMap): Promise<string[]> {
  const ids = new Set<string>();
  const { case: c } = await loadCase([path]);
  const domain = (d: string | null | undefined): void => {
    if (!d) return;
    const t = d.trim().replace(/^\*\./, '').replace(/\.$/, '').toLowerCase();
    if (t.includes('.') && !isMicrosoftOrReserved(t)) ids.add(t);
  };
  const name = (n: string | null | undefined): void => {
    if (!n) return;
    const words = n.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    if (words.some((w) => !isGenericWord(w) && !map.keep.has(w))) ids.add(n);
  };
  const ip = (a: string | null | undefined): void => {
    const t = a?.split('/')[0]?.trim();
    if (t && !isReservedIp(t)) ids.add(t);
  };
  for (const t of c.tenants) {
    domain(t.Name);
    if (t.TenantId) ids.add(t.TenantId);
    t.AcceptedDomains.forEach((d) => domain(d.DomainName));
    for (const x of t.InboundConnectors) {
      name(x.Name);
      domain(x.TlsSenderCertificateName);
      x.SenderIPAddresses.forEach(ip);
    }
    for (const x of t.OutboundConnectors) {
      name(x.Name);
      x.SmartHosts.forEach(domain);
      x.RecipientDomains.forEach(domain);
    }
  }
  for (const o of c.organizations) {
    name(o.Name);
    o.AcceptedDomains.forEach((d) => domain(d.DomainName));
    for (const s of o.Servers) {
      name(s.Name);
      domain(s.Fqdn);
      s.IPAddresses.forEach(ip);
      s.Certificates.forEach((t) => ids.add(t));
    }
    for (const x of o.SendConnectors) {
      name(x.Name);
      x.SmartHosts.forEach(domain);
      domain(x.Fqdn);
    }
    for (const x of o.ReceiveConnectors) {
      name(x.Name);
      domain(x.Fqdn);
    }
  }
  for (const g of c.gateways) {
    name(g.Name);
    for (const n of g.Nodes) {
      name(n.Name);
      n.IPAddresses.forEach(ip);
    }
    for (const r of g.Routes) {
      name(r.Name);
      r.SmartHosts.forEach(domain);
    }
  }
  for (const cert of c.certificates) {
    ids.add(cert.Thumbprint);
    cert.CertificateDomains.forEach(domain);
  }
  for (const [k, v] of Object.entries(c.dns.MX)) [k, ...v].forEach(domain);
  for (const [k, v] of Object.entries(c.dns.A)) {
    domain(k);
    v.forEach(ip);
  }
  for (const f of c.flows) [f.From, f.To].forEach((a) => email(a, ids));

  const listing = await listInputFiles([path]);
  for (const file of listing.files) {
    const { text } = decodeWithEncoding(readFileSync(file));
    for (const m of text.matchAll(/(?<![\d./]|version[:=]\s?)(\d{1,3}(?:\.\d{1,3}){3})(?![\d]|\.\d|\/\d+\.)/gi)) if (m[1]!.split('.').every((o) => Number(o) <= 255 && !/^0\d/.test(o))) ip(m[1]);
    for (const m of text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)) ids.add(m[0]);
    for (const m of text.matchAll(/(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])/gi)) ids.add(m[0]);
    for (const m of text.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g)) email(m[0], ids);
  }
  // Versions written like addresses (`#Version: 15.0.0.0`) are no addresses.
  for (const id of [...ids]) if (/^1[45]\.0\.0\.0$/.test(id)) ids.delete(id);
  return [...ids].filter((id) => !map.keep.has(id.toLowerCase()));
}

function email(address: string | null | undefined, ids: Set<string>): void {
  if (!address || !address.includes('@')) return;
  const [local, domain] = [address.slice(0, address.lastIndexOf('@')), address.slice(address.lastIndexOf('@') + 1).toLowerCase()];
  if (isMicrosoftOrReserved(domain) && !domain.endsWith('onmicrosoft.com')) return;
  if (/^(postmaster|abuse|noreply|no-reply|mailer-daemon|\*)$/i.test(local)) ids.add(domain);
  else ids.add(address.toLowerCase());
}

function isMicrosoftOrReserved(d: string): boolean {
  if (/(^|\.)(example|test|invalid|localhost)$/.test(d)) return true;
  if (/(^|\.)example\.(com|net|org)$/.test(d)) return true;
  if (d.endsWith('.mail.protection.outlook.com')) return false;
  return /(^|\.)(outlook\.com|office365\.com|office\.com|microsoft\.com|microsoftonline\.com|windows\.net|letsencrypt\.org|lencr\.org|digicert\.com)$/.test(d) || d === 'onmicrosoft.com';
}

function isReservedIp(a: string): boolean {
  if (a.includes(':')) return /^(2001:db8:|::1?$|2a01:111:|fe80:)/i.test(a);
  const [x, y, z] = a.split('.').map(Number) as [number, number, number];
  if (x === 192 && y === 0 && z === 2) return true;
  if (x === 198 && y === 51 && z === 100) return true;
  if (x === 203 && y === 0 && z === 113) return true;
  if (x === 198 && (y === 18 || y === 19)) return true;
  if (x === 0 || x === 127 || x >= 224) return true;
  // Exchange Online's published SMTP ranges (src/data/exchange-online-ip-ranges.ts).
  if (x === 40 && (y === 92 || y === 93 || y === 107)) return true;
  if (x === 52 && y >= 100 && y <= 103) return true;
  if (x === 104 && y === 47 && z < 128) return true;
  return false;
}
