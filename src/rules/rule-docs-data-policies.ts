import type { RuleDocEntry } from './rule-docs-data-types.js';

/** Rule reference: tenant policies, the directory, Partner connectors, Enhanced Filtering and MC1226222 (M11, M12, M15–M17). */
export const POLICY_RULE_DOCS: Record<string, RuleDocEntry> = {
  'direct-send-rejected': {
    model: ['M12', 'M3'],
    whenItFires: {
      simulation:
        "The tenant has `RejectDirectSend $true` and a flow whose MAIL FROM domain is accepted reaches it unattributed (no IP- or certificate-scoped connector matched): `550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources`. The message names why the connector did not match — in hybrid usually an expired or changed certificate, or a new source address.",
      evidence: '5.7.68 in an NDR, a log or a queue (the rejection happens in the SMTP session, so no message trace row exists).',
    },
    evidence: ['The tenant\'s `RejectDirectSend`, its inbound connectors, and what the sender presented (certificate, IP).', 'The 5.7.68 statuses with their file and line.'],
    fix: [
      'Repair the connector match first: make the send connector present a valid certificate the OnPremises connector accepts, or add the sending address to the IP-scoped connector (`Set-InboundConnector -SenderIPAddresses @{Add=…}`, Exchange Online PowerShell).',
      'For scanners and SaaS senders: create a connector for them (`New-InboundConnector`, by IP or certificate).',
      'Last resort only: `Set-OrganizationConfig -RejectDirectSend $false` (Exchange Online PowerShell), which lets anyone send anonymous mail from the tenant\'s domains again.',
    ],
    references: ['directSend2025', 'setOrganizationConfig', 'directSendVsDirect'],
  },
  'onprem-server-out-of-date': {
    model: ['M12'],
    whenItFires: {
      configuration:
        "A server that hands mail to Exchange Online over an OnPremises connector is below the baseline valid at the moment judged: Exchange 2007, 2010 and 2013 always; from the second week of September 2026, Exchange 2016 below CU23 with the October 2025 update (15.1.2507.61) and Exchange 2019 below CU15 with the October 2025 update (15.2.1748.39). A warning when only the security-update level is unknown (`AdminDisplayVersion` shows CU23 or CU15) or the server is in the report-only window.",
      simulation: 'By enforcement stage: `deferred` with `450 4.7.230 … throttled` or `rejected` with `550 5.7.230 … blocked`.',
      evidence: '4.7.230 / 5.7.230 statuses; a `Received: … id <build>` header below the baseline on the hop into Exchange Online.',
    },
    evidence: ["The server's `AdminDisplayVersion`, the `Get-OnPremServerReportInfo` dates when exported, and the affected flows or statuses."],
    fix: [
      'Update the server to the required build (Exchange Management Shell shows the exact build: `Get-Command ExSetup | ForEach-Object { $_.FileVersionInfo }`); until then, route its mail to Exchange Online through a server that meets the baseline.',
      'See what Exchange Online reports: `Get-OnPremServerReportInfo` (Exchange Online PowerShell).',
      'To gain time: `New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer -NumberOfDays …` (Exchange Online PowerShell; at most 90 days a year, enforcement resumes at the same stage).',
    ],
    references: ['vulnerableServers2023', 'pauseThrottling', 'baseline2026'],
  },
  'connector-or-tenant-blocked': {
    model: ['M12'],
    whenItFires: {
      configuration: "The case's `Get-BlockedConnector` export lists a connector that a flow uses; the flow is `rejected`.",
      evidence: '5.7.705 (tenant exceeded threshold), 5.7.708 (traffic not accepted from this IP), 5.7.750 (unregistered domain); 5.7.703 as information.',
    },
    evidence: ['The blocked connector and its ConnectorId, or the statuses with their file and line.'],
    fix: [
      'Look for rogue or changed inbound connectors and compromised servers or applications first (`Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,TlsSenderCertificateName,WhenCreated,WhenChanged`, Exchange Online PowerShell).',
      'Make sure every domain the tenant sends from is accepted, or relay it through a certificate-scoped connector whose domain is accepted.',
      'Then unblock: `Remove-BlockedConnector -ConnectorId …` (Exchange Online PowerShell); tenant-wide blocks (5.7.705/5.7.708/5.7.750) are lifted through Microsoft support.',
    ],
    references: ['getBlockedConnector', 'fix700'],
  },
  'recipient-blocked-by-dbeb': {
    model: ['M11'],
    whenItFires: {
      simulation:
        "An Incoming message is addressed to an address the tenant's directory lacks in an Authoritative domain: `550 5.4.1 Recipient address rejected: Access denied` at RCPT. Only when the case carries recipient lists or the flow says `RecipientExists: false` — without recipient data every address is taken to exist.",
      configuration: 'Warning when the MX points to Exchange Online, the domain is Authoritative and the case shows recipients that exist only on premises (unsynchronised objects; mail-enabled public folders and dynamic distribution groups before June 2025).',
      evidence: '5.4.1 `Recipient address rejected` in an NDR or send log.',
    },
    evidence: ['The recipient lists on both sides, the accepted domain and its type, the rejected flows or statuses.'],
    fix: [
      'Synchronise the object to the tenant (Entra Connect sync scope; public folders through the mail public folder sync; a mail contact or mail user for a dynamic distribution group\'s address).',
      'Check with `Get-Recipient -Identity …` and `Get-AcceptedDomain -Identity …` (Exchange Online PowerShell).',
      'When the domain is shared with a system whose recipients the tenant cannot know: `Set-AcceptedDomain -DomainType InternalRelay` (Exchange Online PowerShell), which turns DBEB off for it.',
    ],
    references: ['dbeb', 'ndrList', 'setAcceptedDomain'],
  },
  'enhanced-filtering-missing': {
    model: ['M16'],
    whenItFires: {
      configuration:
        "An accepted domain's MX is not Exchange Online, a gateway delivers that domain's internet mail to Exchange Online over an inbound connector, and that connector has `EFSkipLastIP $false` (or unset) with empty `EFSkipIPs`: Exchange Online takes the gateway as the sender.",
      evidence: 'Headers where `Authentication-Results` evaluates SPF against the address of the gateway hop before Exchange Online (`sender IP is <gateway>`), with `compauth=fail` and no `X-MS-Exchange-SkipListedInternetSender`.',
    },
    evidence: ["The connector's Enhanced Filtering settings, the domains' MX records, the gateway routes; or the header lines."],
    fix: [
      'Turn Enhanced Filtering on for the connector, skipping the gateway: `Set-InboundConnector -EFSkipLastIP $true`, or `-EFSkipIPs <gateway addresses>` when more than one system sits in front of Exchange Online (Exchange Online PowerShell).',
      'Then remove mail flow rules that set SCL -1 for mail from the gateway.',
    ],
    references: ['enhancedFiltering', 'newInboundConnector', 'messageHeaders'],
  },
  'enhanced-filtering-unsupported-config': {
    model: ['M16', 'M14'],
    whenItFires: {
      configuration:
        'Enhanced Filtering is on together with centralized mail transport (unsupported); `EFSkipIPs` holds Microsoft 365 or RFC 1918 ranges (not accepted); or `EFUsers` is set — Enhanced Filtering then applies only to messages whose recipients are all listed (information).',
    },
    evidence: ["The inbound connector's `EFSkipLastIP`, `EFSkipIPs` and `EFUsers`; the outbound connector's `RouteAllMessagesViaOnPremises`."],
    fix: [
      'Turn Enhanced Filtering off where centralized mail transport is on (`Set-InboundConnector -EFSkipLastIP $false -EFSkipIPs $null`), remove unsupported ranges from `EFSkipIPs`, and clear `EFUsers` unless the limit is intended (`-EFUsers $null`); all in Exchange Online PowerShell.',
    ],
    references: ['enhancedFiltering', 'newInboundConnector'],
  },
  'mc1226222-anti-pattern': {
    model: ['M17', 'M3'],
    whenItFires: {
      configuration:
        "(1) An Enabled OnPremises connector matches certificates whose name is neither an accepted domain of its tenant nor immediately under one — an error when a simulated flow depends on it, else a warning (it works today). (2) An IP-scoped OnPremises connector — information: whether other tenants' servers share the address cannot be seen from the case (the same IP in several tenants of the case is `connector-identity-matches-several-tenants`). (3) One send connector or certificate used towards several tenants — an error.",
    },
    evidence: ['The connector, its certificate name or addresses, the accepted domains of its tenant, and who presents the certificate; for (3) the send connector or certificate and the tenants it reaches.'],
    fix: [
      "(1) Present a certificate under an accepted domain and set the connector's `TlsSenderCertificateName` to it, or add the certificate's domain to the tenant; then run the Hybrid Configuration Wizard again.",
      '(2) Scope the connector by a certificate instead (Exchange Online PowerShell), then remove its `SenderIPAddresses`.',
      '(3) One send connector per tenant, each with its own address space and certificate, and each tenant\'s OnPremises connector pointed at its own certificate name (Exchange Management Shell, Exchange Online PowerShell).',
    ],
    references: ['mc1226222', 'kb4019940', 'attributionBlog'],
  },
  'partner-connector-restriction-rejects': {
    model: ['M15'],
    whenItFires: {
      simulation:
        'Incoming mail is rejected by a Partner connector: `RestrictDomainsToIPAddresses` with the source IP outside `SenderIPAddresses`, `RestrictDomainsToCertificate` with a certificate Subject other than `TlsSenderCertificateName`, or `RequireTls` without TLS → `550 5.7.51 TenantInboundAttribution; There is a partner connector configured that matched the message\'s recipient domain…`. The finding names the hybrid cause when the mail should have been attributed Originating.',
      evidence: '5.7.51 in a tracking log, queue or NDR.',
    },
    evidence: ["The Partner connector's `SenderDomains`, `SenderIPAddresses`, `TlsSenderCertificateName`, restrictions and `AssociatedAcceptedDomains`; the rejected flows or statuses."],
    fix: [
      'For hybrid mail, repair the OnPremises connector match (see `cert-connector-name-mismatch`) so it is attributed as the tenant\'s own mail.',
      'Scope the Partner connector to the tenant\'s own domains (`Set-InboundConnector -AssociatedAcceptedDomains …`), or admit the sender\'s address (`-SenderIPAddresses @{Add=…}`), in Exchange Online PowerShell.',
      'Where TLS is missing, let the sender use STARTTLS (`Set-SendConnector -IgnoreSTARTTLS $false`, Exchange Management Shell); only if it cannot, `Set-InboundConnector -RequireTls $false`.',
    ],
    references: ['newInboundConnector', 'tlsHybrid2025', 'attributionBlog'],
  },
  'partner-connector-scope-risk': {
    model: ['M15'],
    whenItFires: {
      configuration:
        'A restricting Partner connector without `AssociatedAcceptedDomains` (it also covers `*.onmicrosoft.com` and the coexistence domain); a Partner connector with both IPs and a certificate; an allow-by-sender-domain Partner connector overridden by a restricting one; `TrustedOrganizations` combined with other scoping (ignored).',
    },
    evidence: ['The Partner connectors concerned and the settings that overlap.'],
    fix: [
      'Limit the restricting connector to the tenant\'s own domains (`Set-InboundConnector -AssociatedAcceptedDomains …`); split IP and certificate scoping into two connectors (`New-InboundConnector -ConnectorType Partner …`, then clear the certificate from the first); turn restrictions on where an allow connector is meant to restrict. All in Exchange Online PowerShell.',
    ],
    references: ['newInboundConnector', 'partnerConnectorIssue900', 'partnerConnectorIssue2642', 'useConnectors'],
  },
};
