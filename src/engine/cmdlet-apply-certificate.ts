import type { ExchangeServer, Organization } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { CmdletError, quote } from './cmdlet-error.js';
import { failValue, requireText, toEnum } from './cmdlet-convert.js';
import { formatChanges } from './cmdlet-describe.js';
import type { ApplyContext, ChangeOutcome } from './cmdlet-object-verbs.js';
import { listNames } from './cmdlet-suggest.js';
import { serverByName, serverFqdn } from './send-routing.js';

/**
 * Enable-ExchangeCertificate -Thumbprint X -Services SMTP [-Server S] (or -Identity S\X): adds
 * services to an installed certificate. Enabling adds to the services already enabled; it never
 * removes one (Enable-ExchangeCertificate reference). The simulation reads `Services` when a
 * receive or send connector selects the certificate (EXO-SEMANTICS M8.4, [KB4051498]).
 */

export const CERTIFICATE_SERVICES = ['None', 'IMAP', 'POP', 'UM', 'IIS', 'SMTP', 'Federation', 'UMCallRouter'] as const;

function installedOn(cert: Certificate, server: ExchangeServer): boolean {
  if (server.Certificates.includes(cert.Thumbprint)) return true;
  const s = cert.Server?.toLowerCase();
  return s !== undefined && (s === serverFqdn(server) || s === server.Name.toLowerCase() || s === serverFqdn(server).split('.')[0]);
}

function servicesOf(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/).filter((s) => s !== '' && s.toLowerCase() !== 'none');
}

export function enableExchangeCertificate(ctx: ApplyContext): ChangeOutcome {
  const { parsed, src } = ctx;
  const identity = parsed.parameters.Identity;
  const thumbParam = parsed.parameters.Thumbprint;
  if (identity && thumbParam) failValue(src, thumbParam.value, 'Give either -Identity or -Thumbprint, not both');
  if (!identity && !thumbParam) throw new CmdletError(`${ctx.spec.name} needs -Thumbprint (or -Identity Server\\Thumbprint)`);
  let written = requireText(src, (identity ?? thumbParam)!).trim();
  let serverName = parsed.parameters.Server ? requireText(src, parsed.parameters.Server).trim() : null;
  const slash = written.indexOf('\\');
  if (identity && slash > 0) {
    serverName = written.slice(0, slash).trim();
    written = written.slice(slash + 1).trim();
  }
  const at = (identity ?? thumbParam)!.value;
  const thumbprint = written.replace(/\s+/g, '').toUpperCase();
  const cert = ctx.case.certificates.find((c) => c.Thumbprint === thumbprint);
  if (!cert) {
    failValue(src, at, `No certificate with thumbprint ${quote(thumbprint)} {at} in the case`, ctx.case.certificates.length ? `Known: ${listNames(ctx.case.certificates.map((c) => c.Thumbprint))}` : 'The case has no certificates');
  }
  let where: { org: Organization; server: ExchangeServer }[] = [];
  for (const org of ctx.case.organizations) for (const server of org.Servers) if (installedOn(cert, server)) where.push({ org, server });
  if (serverName !== null) {
    const named = ctx.case.organizations.flatMap((org) => {
      const server = serverByName(org, serverName!);
      return server ? [{ org, server }] : [];
    });
    if (named.length === 0) throw new CmdletError(`${ctx.spec.name}: ${quote(serverName)} is not a server of the case`);
    where = named.filter((w) => installedOn(cert, w.server));
    if (where.length === 0) throw new CmdletError(`${ctx.spec.name}: certificate ${cert.Thumbprint} (${cert.Subject}) is not installed on ${named[0]!.server.Name}`);
  }
  // Exchange refuses to enable a certificate whose private key it cannot use.
  if (cert.HasPrivateKey === false) throw new CmdletError(`${ctx.spec.name}: certificate ${cert.Thumbprint} (${cert.Subject}) has no private key and cannot be enabled for a service`);
  const requested = servicesOf(toEnum(src, parsed.parameters.Services!, CERTIFICATE_SERVICES, { flags: true }));
  const before = cert.Services;
  const current = servicesOf(before);
  const merged = [...current, ...requested.filter((r) => !current.some((c) => c.toLowerCase() === r.toLowerCase()))];
  cert.Services = merged.length > 0 ? merged.join(', ') : before;
  const on = where.map((w) => w.server.Name);
  const shared = serverName === null && on.length > 1 ? ` (the case holds one copy of it, installed on ${listNames(on, 10, false)}; the change applies to each)` : '';
  return {
    description: `${ctx.spec.name}: certificate ${cert.Subject} (${cert.Thumbprint})${on.length ? ` on ${listNames(on, 10, false)}` : ''}: ${formatChanges([{ property: 'Services', before, after: cert.Services, modelled: true, kept: true, notes: [] }])}${shared}`,
    subject: where[0] ? { type: 'ExchangeCertificate', name: cert.Thumbprint, organization: where[0].org.Name } : { type: 'ExchangeCertificate', name: cert.Thumbprint },
  };
}
