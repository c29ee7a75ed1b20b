import type { NdrEntry } from './ndr.js';
import { refs } from './ndr-catalog-references.js';
import { ADMIN_CENTER, EMS, EXO, HCW, WINPS } from './ndr-catalog-where.js';

/**
 * NDR-CATALOG.md "Attribution and relay at EOP" and "Recipients": what Exchange Online answers when
 * it cannot attribute a message to a tenant or does not know its recipient.
 */
export const ATTRIBUTION_ENTRIES: readonly NdrEntry[] = [
  {
    id: '5.7.64-tenant-attribution',
    code: '5.7.64',
    text: '550 5.7.64 TenantAttribution; Relay Access Denied',
    meaning:
      'Exchange Online refused to relay: the message is for a recipient outside every tenant and no Enabled OnPremises inbound connector matched the sending server, so EOP cannot tell which tenant it belongs to.',
    appearsIn: ['NDR', 'send protocol log', 'capture', 'queue'],
    generatedBy: 'Exchange Online (EOP), at RCPT (or at the end of DATA)',
    outcome: 'rejected',
    causes: [
      'The certificate the send connector presents no longer matches the inbound connector\'s TlsSenderCertificateName (renewed with a new name; the send connector presents another certificate or none).',
      'The certificate is expired or untrusted, or its chain lacks intermediates.',
      'The source IP address changed and the IP-scoped inbound connector no longer matches it.',
      'Exchange Online has no row in message trace for it: the message was rejected in the SMTP session.',
    ],
    fixes: [
      { step: 'Get-SendConnector "<connector>" | fl Fqdn,TlsCertificateName,SmartHosts', where: EMS },
      { step: '$c = Get-ExchangeCertificate -Thumbprint <t>; Set-SendConnector "<connector>" -TlsCertificateName "<I>$($c.Issuer)<S>$($c.Subject)"', where: EMS },
      { step: 'Get-InboundConnector | fl Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: EXO },
      { step: 'Set-InboundConnector "<connector>" -TlsSenderCertificateName <name>, or re-run the Hybrid Configuration Wizard with the new certificate', where: EXO },
      { step: 'Missing intermediates: Import-Certificate -FilePath <ca.cer> -CertStoreLocation Cert:\\LocalMachine\\CA', where: WINPS },
    ],
    rules: ['tenant-attribution-rejected'],
    references: refs('5764', 'RELAY', 'KB3212877'),
  },
  {
    id: '5.7.64-attr36',
    code: '5.7.64',
    text: '550 5.7.64 Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958',
    meaning:
      'A connector matched, but neither the certificate domain (the host name\'s immediate parent) nor the message\'s P1 sender domain is an accepted domain of the tenant, so Exchange Online refused to relay.',
    appearsIn: ['NDR', 'send protocol log', 'capture'],
    generatedBy: 'Exchange Online (EOP), at RCPT',
    outcome: 'rejected',
    causes: [
      'The certificate is host.sub.<domain> while only <domain> is accepted: the immediate parent sub.<domain> is not an accepted domain.',
      'On-premises non-delivery reports (MAIL FROM:<>), forwarded mail or application domains relayed through an IP-scoped connector with foreign sender domains.',
    ],
    fixes: [
      { step: 'Add sub.<domain> (the immediate parent only) in Settings → Domains, or reissue the certificate under an accepted domain', where: ADMIN_CENTER },
      { step: 'Re-run the Hybrid Configuration Wizard after adding the domain (it warns about this on the certificate page)', where: HCW },
      { step: 'Move IP-scoped relays to certificate scoping: Set-InboundConnector "<connector>" -TlsSenderCertificateName <name>', where: EXO },
    ],
    rules: ['tenant-attribution-rejected', 'relay-cert-domain-not-immediate-parent'],
    references: refs('KB4019940', 'RELAY'),
  },
  {
    id: '5.4.1-relay-access-denied',
    code: '5.4.1',
    text: '550 5.4.1 Relay Access Denied',
    meaning:
      'The older Exchange Online text for a refused relay (also in the Exchange Online NDR table): on-premises mail relayed through EOP was not attributed to the tenant.',
    appearsIn: ['NDR', 'queue'],
    generatedBy: 'Exchange Online (EOP, older text), at RCPT',
    outcome: 'rejected',
    causes: [
      'On-premises relay through EOP without a working OnPremises inbound connector.',
      'The send connector\'s smart host is wrong.',
      'The same checks as 5.7.64: certificate name, certificate validity and chain, source IP.',
    ],
    fixes: [
      { step: 'Get-InboundConnector | fl Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: EXO },
      { step: 'Get-SendConnector "<connector>" | fl Fqdn,TlsCertificateName,SmartHosts', where: EMS },
      { step: 'Repair the connector match as for 5.7.64 (Set-SendConnector -TlsCertificateName; Set-InboundConnector -TlsSenderCertificateName)', where: `${EMS} / ${EXO}` },
    ],
    rules: ['tenant-attribution-rejected'],
    references: refs('KB2827473', 'NDRLIST'),
  },
  {
    id: '4.4.62-wrong-region-attr35',
    code: '4.4.62',
    text: '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.',
    meaning:
      'Temporary refusal: the message reached an Exchange Online endpoint that does not serve the tenant; the sender retries and finally returns its own expiry NDR.',
    appearsIn: ['queue', 'NDR', 'send protocol log'],
    generatedBy: 'Exchange Online (EOP), at MAIL or RCPT',
    outcome: 'deferred',
    causes: [
      'The smart host or MX is mail.messaging.microsoft.com, mail.global.frontbridge.com or an EOP IP address.',
      'A server relays outside the organization without a matching inbound connector.',
      'A relay sent to the wrong cloud instance (GCC High/DoD or 21Vianet vs worldwide) (our reading, EXO-SEMANTICS M13).',
    ],
    fixes: [
      { step: 'Get-SendConnector | fl Name,SmartHosts,DNSRoutingEnabled', where: EMS },
      { step: 'Set-SendConnector "<connector>" -SmartHosts <domain-key>.mail.protection.outlook.com -DNSRoutingEnabled $false', where: EMS },
      { step: 'Publish the tenant\'s MX value (<domain-key>.mail.protection.outlook.com)', where: 'DNS' },
      { step: 'Add a certificate or IP inbound connector for relay: New-InboundConnector -ConnectorType OnPremises …', where: EXO },
    ],
    rules: ['legacy-or-wrong-exo-endpoint'],
    references: refs('ATTR35'),
  },
  {
    id: '4.5.3-attr38-mixed-region',
    code: '4.5.3',
    text: '452 4.5.3 Too many recipients … ATTR38',
    meaning:
      'Some recipients of one transaction were refused at RCPT because they are attributed to a different region than the others; the sending server retries them in a new transaction (third-party report).',
    appearsIn: ['send protocol log', 'queue'],
    generatedBy: 'Exchange Online (EOP), at RCPT (some recipients)',
    outcome: 'deferred',
    causes: [
      'One SMTP transaction carries recipients attributed to different Exchange Online regions.',
      'Benign when the retries succeed; persistent deferrals point at smart hosts that override MX routing.',
    ],
    fixes: [
      { step: 'Check that the retries succeed; if not, review send connectors that use smart hosts instead of MX: Get-SendConnector | fl Name,SmartHosts,DNSRoutingEnabled', where: EMS },
    ],
    rules: ['trace-mixed-region-deferral'],
    references: refs('BENTO', 'NDRLIST'),
  },
  {
    id: '4.5.3-too-many-recipients',
    code: '4.5.3',
    text: '452 4.5.3 Too many recipients',
    meaning:
      'Exchange Online\'s documented 4.5.3: more than 200 envelope recipients per domain in one transaction; the sender retries the rest.',
    appearsIn: ['send protocol log', 'queue'],
    generatedBy: 'Exchange Online (EOP), at RCPT',
    outcome: 'deferred',
    causes: ['More than 200 envelope recipients for one domain in one SMTP transaction.'],
    fixes: [{ step: 'Nothing to fix when the sender retries the remaining recipients; otherwise lower the sending server\'s recipients per message', where: 'the sending server' }],
    rules: [],
    references: refs('NDRLIST'),
  },
  {
    id: '5.7.68-direct-send',
    code: '5.7.68',
    text: '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
    meaning:
      'The tenant rejects Direct Send (RejectDirectSend $true): an anonymous message with an accepted P1 sender domain matched no IP or certificate inbound connector. Rejected in the session; no message trace row.',
    appearsIn: ['NDR', 'send protocol log', 'queue'],
    generatedBy: 'Exchange Online (EOP), at MAIL or RCPT',
    outcome: 'rejected',
    causes: [
      'In hybrid: the hybrid certificate or IP address stopped matching the OnPremises inbound connector, so on-premises mail arrives anonymous.',
      'Scanners, SaaS senders (e.g. CRM) or third-party forwarders without SRS send with the tenant\'s domain.',
    ],
    fixes: [
      { step: 'Get-OrganizationConfig | fl RejectDirectSend; compare the sender\'s IP/certificate with Get-InboundConnector', where: EXO },
      { step: 'Repair the OnPremises connector match (see 5.7.64)', where: `${EMS} / ${EXO}` },
      { step: 'Create a connector for the source: New-InboundConnector -Name <n> -ConnectorType Partner -SenderDomains <domain> -SenderIPAddresses <ip> -RestrictDomainsToIPAddresses $true (or certificate-based)', where: EXO },
      { step: 'Last resort: Set-OrganizationConfig -RejectDirectSend $false', where: EXO },
    ],
    rules: ['direct-send-rejected'],
    references: refs('RDS', 'SOC', 'SALESFORCE', 'MAESTER'),
  },
  {
    id: '5.7.51-partner-connector',
    code: '5.7.51',
    text: "550 5.7.51 TenantInboundAttribution; There is a partner connector configured that matched the message's recipient domain. The connector had either the RestrictDomainsToIPAddresses or RestrictDomainsToCertificate set",
    meaning:
      'A Partner "lock-down" connector covering the recipient domain restricts it to certain IP addresses or a certificate, and the message did not come from them.',
    appearsIn: ['tracking log', 'queue', 'NDR'],
    generatedBy: 'Exchange Online (EOP), at RCPT',
    outcome: 'rejected',
    causes: [
      'The message was not attributed Originating: the send connector presents the wrong or no certificate, or a non-wildcard TlsSenderCertificateName is not an accepted domain.',
      'The tenant has a Partner connector with RestrictDomainsToIPAddresses or RestrictDomainsToCertificate that covers the recipient domain.',
      'Mail to *.onmicrosoft.com when the lock-down connector has no AssociatedAcceptedDomains.',
    ],
    fixes: [
      { step: "Get-InboundConnector | ? ConnectorType -eq Partner | fl Name,SenderDomains,SenderIPAddresses,TlsSenderCertificateName,RestrictDomainsToIPAddresses,RestrictDomainsToCertificate,RequireTls,AssociatedAcceptedDomains", where: EXO },
      { step: 'Make the OnPremises connector match: Set-SendConnector "<connector>" -TlsCertificateName …', where: EMS },
      { step: 'Set-InboundConnector "<connector>" -TlsSenderCertificateName …', where: EXO },
      { step: 'Scope the lock-down connector: Set-InboundConnector "<partner>" -AssociatedAcceptedDomains <custom domains>; keep IPs and certificates in separate Partner connectors', where: EXO },
    ],
    rules: ['partner-connector-restriction-rejects'],
    references: refs('TLSBLOG25', 'NIC', 'PG900', 'I2642'),
  },
  {
    id: '5.7.57-client-not-authenticated',
    code: '5.7.57',
    text: '530 5.7.57 Client not authenticated to send mail / 550 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM',
    meaning:
      'The client submission endpoint (smtp.office365.com) refused an unauthenticated sender: it is not a relay endpoint.',
    appearsIn: ['NDR', 'send protocol log'],
    generatedBy: 'Exchange Online (smtp.office365.com), at MAIL',
    outcome: 'rejected',
    causes: ['smtp.office365.com is used as an unauthenticated relay smart host by a send connector, gateway or device.'],
    fixes: [
      { step: 'Set-SendConnector "<connector>" -SmartHosts <domain-key>.mail.protection.outlook.com, and relay through an inbound connector', where: EMS },
      { step: 'Or give the device SMTP AUTH over TLS', where: 'the sending device' },
    ],
    rules: ['legacy-or-wrong-exo-endpoint'],
    references: refs('557', 'NDRLIST'),
  },
  {
    id: '5.4.1-dbeb',
    code: '5.4.1',
    text: '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [<server>.eop-<region>.prod.protection.outlook.com]',
    meaning:
      'Directory Based Edge Blocking: the recipient domain is Authoritative in Exchange Online and the address is not a recipient Exchange Online knows, so it is refused at RCPT before filtering (no message trace row).',
    appearsIn: ['NDR', 'send protocol log'],
    generatedBy: 'Exchange Online (EOP, DBEB), at RCPT',
    outcome: 'rejected',
    causes: [
      'The domain is Authoritative in Exchange Online, its MX points to EOP, and the address belongs to an on-premises object that is not synchronised (user, new proxy address, dynamic distribution group, mail-enabled public folder).',
      'Before June 2025, mail-enabled public folders and dynamic distribution groups were refused even in the organization.',
    ],
    fixes: [
      { step: 'Get-Recipient <address> (nothing found); Get-AcceptedDomain <domain> | fl DomainType', where: EXO },
      { step: 'Get-Recipient <address> (the object exists on premises)', where: EMS },
      { step: 'Synchronise the object (Entra Connect; the mail-enabled public folder sync option)', where: 'Microsoft Entra Connect' },
      { step: 'For a domain shared with a non-Exchange system: Set-AcceptedDomain <domain> -DomainType InternalRelay plus an outbound connector for it', where: EXO },
    ],
    rules: ['recipient-blocked-by-dbeb'],
    references: refs('DBEB', 'DBEB25', 'ZONE'),
  },
  {
    id: '5.1.10-recipient-not-found',
    code: '5.1.10',
    text: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    meaning: 'Exchange Online accepted the message but found no recipient with that address inside the tenant.',
    appearsIn: ['NDR', 'message trace'],
    generatedBy: 'Exchange Online, after acceptance',
    outcome: 'rejected',
    causes: [
      'Originating mail (or an InternalRelay domain routed back into the tenant) for an address no recipient holds.',
      'A missing proxy address, licence, or a forwarding rule to an old address.',
    ],
    fixes: [{ step: 'Get-Recipient <address>; fix proxy addresses, licences and forwarding rules', where: EXO }],
    rules: ['trace-recipient-not-found'],
    references: refs('5110'),
  },
  {
    id: '5.1.1-recipient-not-found-onprem',
    code: '5.1.1',
    text: '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found',
    meaning: 'The on-premises counterpart of 5.1.10: Exchange Server found no recipient with that address.',
    appearsIn: ['NDR', 'message trace'],
    generatedBy: 'Exchange Server',
    outcome: 'rejected',
    causes: ['The address is not a proxy address of any on-premises recipient (a moved or removed object, or mail routed on premises for a cloud-only address).'],
    fixes: [{ step: 'Get-Recipient <address>; fix proxy addresses or the routing of the domain', where: EMS }],
    rules: ['trace-recipient-not-found'],
    references: refs('5110', 'NDRLIST'),
  },
];
