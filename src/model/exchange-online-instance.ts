import type { Tenant } from './case.js';
import type { ExchangeOnlineInstance } from './domains.js';

/**
 * The Exchange Online instance a tenant lives in and what EOP presents there (EXO-SEMANTICS M9,
 * M13). Instances are separate services: their connectors, accepted domains and certificates are
 * their own.
 */

export function tenantInstance(t: Tenant): ExchangeOnlineInstance {
  return t.Instance ?? 'Worldwide';
}

/**
 * The certificate name EOP presents to a connecting sender: worldwide CN mail.protection.outlook.com
 * [S50]; GCC High/DoD mail.protection.office365.us [model, M9]; 21Vianet
 * mail.protection.partner.outlook.cn [model, from the M1 evidence names].
 */
export function eopCertificateName(instance: ExchangeOnlineInstance): string {
  switch (instance) {
    case 'Worldwide':
      return 'mail.protection.outlook.com';
    case 'USGovGCCHigh':
    case 'USGovDoD':
      return 'mail.protection.office365.us';
    case 'China':
      return 'mail.protection.partner.outlook.cn';
  }
}

/** Names as admins know them, for messages. */
export function instanceLabel(instance: ExchangeOnlineInstance): string {
  switch (instance) {
    case 'Worldwide':
      return 'worldwide (commercial) Exchange Online';
    case 'USGovGCCHigh':
      return 'Exchange Online GCC High';
    case 'USGovDoD':
      return 'Exchange Online DoD';
    case 'China':
      return 'Exchange Online operated by 21Vianet';
  }
}

/** The MX host a domain of a tenant gets in its instance (`contoso.com` → `contoso-com.mail.protection.outlook.com`). */
export function tenantMxHost(domain: string, instance: ExchangeOnlineInstance): string {
  const key = domain.toLowerCase().replace(/\./g, '-');
  switch (instance) {
    case 'Worldwide':
      return `${key}.mail.protection.outlook.com`;
    case 'USGovGCCHigh':
    case 'USGovDoD':
      return `${key}.mail.protection.office365.us`;
    case 'China':
      return `${key}.mail.protection.partner.outlook.cn`;
  }
}
