/**
 * The documents the rule reference cites, each once, by a short key. Every URL is one a reader
 * can open: Microsoft Learn, Microsoft support (KB) and Exchange Team (Tech Community) pages,
 * and a few third-party pages marked as such where Microsoft has published nothing on the point.
 */
export interface DocReference {
  title: string;
  url: string;
  /** Third-party material: cited only where Microsoft is silent. */
  thirdParty?: true;
}

const LEARN_PS = 'https://learn.microsoft.com/powershell/module/exchangepowershell';
const LEARN_NDR = 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr';
const LEARN_NDR_OLD = 'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online';
const LEARN_CONNECTORS = 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow';
const TC_EXCHANGE = 'https://techcommunity.microsoft.com/blog/exchange';
const TC_T5 = 'https://techcommunity.microsoft.com/t5/exchange-team-blog';

export const DOC_REFERENCES = {
  newInboundConnector: { title: 'New-InboundConnector (Exchange PowerShell)', url: `${LEARN_PS}/new-inboundconnector` },
  setInboundConnector: { title: 'Set-InboundConnector (Exchange PowerShell)', url: `${LEARN_PS}/set-inboundconnector` },
  newOutboundConnector: { title: 'New-OutboundConnector (Exchange PowerShell)', url: `${LEARN_PS}/new-outboundconnector` },
  newSendConnector: { title: 'New-SendConnector (Exchange PowerShell)', url: `${LEARN_PS}/new-sendconnector` },
  setSendConnector: { title: 'Set-SendConnector (Exchange PowerShell)', url: `${LEARN_PS}/set-sendconnector` },
  setReceiveConnector: { title: 'Set-ReceiveConnector (Exchange PowerShell)', url: `${LEARN_PS}/set-receiveconnector` },
  setOrganizationConfig: { title: 'Set-OrganizationConfig, RejectDirectSend (Exchange PowerShell)', url: `${LEARN_PS}/set-organizationconfig` },
  setTransportService: { title: 'Set-TransportService, MessageExpirationTimeout (Exchange PowerShell)', url: `${LEARN_PS}/set-transportservice` },
  getBlockedConnector: { title: 'Get-BlockedConnector (Exchange PowerShell)', url: `${LEARN_PS}/get-blockedconnector` },
  setAcceptedDomain: { title: 'Set-AcceptedDomain (Exchange PowerShell)', url: `${LEARN_PS}/set-accepteddomain` },
  newAcceptedDomain: { title: 'New-AcceptedDomain: accepted domain types (Exchange PowerShell)', url: `${LEARN_PS}/new-accepteddomain` },
  setRemoteDomain: { title: 'Set-RemoteDomain (Exchange PowerShell)', url: `${LEARN_PS}/set-remotedomain` },
  importExchangeCertificate: { title: 'Import-ExchangeCertificate (Exchange PowerShell)', url: `${LEARN_PS}/import-exchangecertificate` },
  getMessageTraceV2: { title: 'Get-MessageTraceV2 (Exchange PowerShell)', url: `${LEARN_PS}/get-messagetracev2` },

  ndrList: { title: 'Email non-delivery reports and SMTP errors in Exchange Online', url: `${LEARN_NDR}/non-delivery-reports-in-exchange-online` },
  fix5764: { title: 'Fix email delivery issues for error code 5.7.64 in Exchange Online', url: `${LEARN_NDR_OLD}/fix-error-code-5-7-64-in-exchange-online` },
  relayAccessDenied: { title: '550 5.7.64 TenantAttribution when sending mail externally', url: `${LEARN_NDR}/relay-access-denied-smtp` },
  kb3212877: { title: 'TenantAttribution NDR: missing intermediate certificate (KB3212877)', url: `${LEARN_NDR}/tenantattribution-ndr` },
  kb4019940: { title: '550 5.7.64 Relay Access Denied ATTR36 (KB4019940)', url: 'https://learn.microsoft.com/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr' },
  notice2016: { title: 'Important notice for Office 365 email customers who have configured connectors', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/office-365-notice' },
  kb2827473: { title: 'Relay Access Denied NDR when sending from on-premises through EOP (KB2827473)', url: 'https://support.microsoft.com/kb/2827473' },
  attr35: { title: 'ATTR35 response code when mail is sent to EOP/Exchange Online', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/wrong-office-365-region-exo' },
  fix557: { title: 'Fix email delivery issues for error code 5.7.57 in Exchange Online', url: `${LEARN_NDR_OLD}/fix-error-code-5-7-57-in-exchange-online` },
  fix5110: { title: 'Fix email delivery issues for error code 5.1.10 in Exchange Online', url: `${LEARN_NDR_OLD}/fix-error-code-5-1-10-in-exchange-online` },
  fix447: { title: 'Fix NDR error 550 4.4.7 in Exchange Online', url: `${LEARN_NDR}/fix-error-code-550-4-4-7-in-exchange-online` },
  fix451AS: { title: 'Fix email delivery issues for error code 451 4.7.500-699 (ASxxx)', url: `${LEARN_NDR_OLD}/fix-error-code-451-4-7-500-699-asxxx-in-exchange-online` },
  fix700: { title: 'Fix NDR error codes 550 5.7.703, 5.7.705, 5.7.708 and 5.7.750', url: `${LEARN_NDR}/fix-error-codes-550-5-7-703-550-5-7-705-550-5-7-708-550-5-7-750` },
  fix606: { title: 'Fix email delivery issues for error codes 5.7.606-649 in Exchange Online', url: `${LEARN_NDR_OLD}/fix-error-code-5-7-606-649-in-exchange-online` },
  untrustedRoot: { title: 'NDR error code 450 4.4.317 (UntrustedRoot)', url: `${LEARN_NDR}/fix-error-code-450-4-4-317-untrusted-root` },
  loopNdr: { title: 'Fix email delivery issues for error codes 5.4.6 through 5.4.20', url: `${LEARN_NDR}/fix-error-code-5-4-6-through-5-4-20-in-exchange-online` },
  edgeLoop: { title: '554 5.4.14 Hop count exceeded NDR for mail to an on-premises application', url: 'https://learn.microsoft.com/exchange/troubleshoot/mailflow/hop-count-exceeded-possible-mail-loop' },
  allowListRelay: { title: '550 5.7.1 Unable to Relay: Blocked by Customer Allow list', url: `${LEARN_NDR}/unable-to-relay-blocked-by-allow-list` },
  kb2989382: { title: 'Cannot receive mail after installing a new certificate (KB2989382)', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate' },
  kb3156771: { title: 'Mail issues after April 15, 2016: TlsCertificateName of the send connector (KB3156771)', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/mails-issues-occur-after-april-15-2016' },
  kb3212872: { title: 'Mail from an Edge Transport server to Exchange Online appears as from external contacts (KB3212872)', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/email-sent-from-edge-transport-server-appears-as-mail-from-external-contacts' },
  kb4051498: { title: 'Outbound messages are not sent on the Hub Transport or Edge server (KB4051498)', url: 'https://support.microsoft.com/help/4051498' },
  kb295725: { title: 'SMTP inspection on a firewall breaks ESMTP (KB295725)', url: 'https://support.microsoft.com/kb/295725' },
  hybridNotRouted: { title: 'Hybrid messages that originated on premises are not routed back through on premises', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/hybrid-messages-not-routed-through-on-premises' },

  setUpConnectors: { title: 'Set up connectors to route mail between Microsoft 365 and your own email servers', url: `${LEARN_CONNECTORS}/set-up-connectors-to-route-mail` },
  useConnectors: { title: 'Configure mail flow using connectors in Exchange Online', url: `${LEARN_CONNECTORS}/use-connectors-to-configure-mail-flow` },
  inboundConnectorFaq: { title: 'Inbound connector FAQ', url: `${LEARN_CONNECTORS}/inbound-connector-faq` },
  enhancedFiltering: { title: 'Enhanced Filtering for Connectors in Exchange Online', url: `${LEARN_CONNECTORS}/enhanced-filtering-for-connectors` },
  dbeb: { title: 'Use Directory Based Edge Blocking to reject messages sent to invalid recipients', url: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-directory-based-edge-blocking' },
  transportRouting: { title: 'Transport routing in Exchange hybrid deployments', url: 'https://learn.microsoft.com/exchange/transport-routing' },
  hybridWizard: { title: 'Hybrid Configuration Wizard', url: 'https://learn.microsoft.com/exchange/hybrid-configuration-wizard' },
  remoteDomains: { title: 'Remote domains in Exchange hybrid deployments', url: 'https://learn.microsoft.com/exchange/hybrid-deployment/org-config-transfer-attributes/remote-domains' },
  certificateRequirements: { title: 'Certificate requirements for hybrid deployments', url: 'https://learn.microsoft.com/exchange/certificate-requirements' },
  starttlsSelection: { title: 'Selection of inbound STARTTLS certificates (Exchange Server)', url: 'https://learn.microsoft.com/exchange/mail-flow/mail-routing/inbound-starttls-certificates-selection' },
  headerFirewall: { title: 'Header firewall (X-MS-Exchange-Organization-AuthAs)', url: 'https://learn.microsoft.com/exchange/header-firewall-exchange-2013-help' },
  messageHeaders: { title: 'Anti-spam message headers in Microsoft 365', url: 'https://learn.microsoft.com/microsoft-365/security/office-365-security/message-headers-eop-mdo' },
  messageTrace: { title: 'Run a message trace and view the results', url: 'https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/run-a-message-trace-and-view-results' },
  mailFlowIntelligence: { title: 'Mail flow intelligence in EOP (connector delivery errors)', url: 'https://learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence' },
  endpoints: { title: 'Microsoft 365 URLs and IP address ranges (endpoint set ID 10)', url: 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges' },
  exoTls: { title: 'How Exchange Online uses TLS to secure email connections', url: 'https://learn.microsoft.com/microsoft-365/compliance/exchange-online-uses-tls-to-secure-email-connections' },
  smtpDane: { title: 'How SMTP DANE works', url: 'https://learn.microsoft.com/microsoft-365/compliance/how-smtp-dane-works' },
  mtaSts: { title: 'Enhancing mail flow with MTA-STS', url: 'https://learn.microsoft.com/purview/enhancing-mail-flow-with-mta-sts' },
  exchangeTlsConfig: { title: 'Exchange Server TLS configuration best practices', url: 'https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/security-best-practices/exchange-tls-configuration' },
  healthCheckerCloudConnector: { title: 'CSS-Exchange HealthChecker: cloud connector check', url: 'https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/CloudConnectorCheck.md' },
  delistPortal: { title: 'Office 365 Anti-Spam IP Delist Portal', url: 'https://sender.office.com/' },
  lalit: { title: 'Mailflow issue from Exchange on-premises to Office 365 (Microsoft archive blog)', url: 'https://learn.microsoft.com/archive/blogs/lalitbisht/mailflow-issue-from-exchange-on-prem-to-office-365' },
  challenge: { title: '450 4.7.320 Certificate validation failed from Office 365 to Exchange 2013 (Microsoft archive blog)', url: 'https://learn.microsoft.com/archive/blogs/exchangechallengeaccepted/mail-not-routing-to-on-premise-exchange-2013-environment-from-o365-with-450-4-7-320-certificate-validation-failed-error' },

  attributionBlog: { title: 'Office 365 Message Attribution (Exchange Team, 2019)', url: `${TC_T5}/office-365-message-attribution/ba-p/749143` },
  relay2023: { title: 'Updated requirements for SMTP relay through Exchange Online (Exchange Team, 2023)', url: `${TC_T5}/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357` },
  relay2023Wildcard: { title: 'Exchange Team answer: a wildcard also matches the internet route ("unintended")', url: `${TC_EXCHANGE}/updated-requirements-for-smtp-relay-through-exchange-online/3851357/replies/3855525` },
  relay2023AnyDomain: { title: 'Exchange Team answer: with a certificate connector, sender and recipient domains can be anything', url: `${TC_EXCHANGE}/updated-requirements-for-smtp-relay-through-exchange-online/3851357/replies/3873802` },
  tlsHybrid2025: { title: 'TLS certificates in Exchange hybrid: common issues and how to fix them (Exchange Team, 2025)', url: `${TC_EXCHANGE}/tls-certificates-in-exchange-hybrid---common-issues--how-to-fix-them/4420592` },
  directSend2025: { title: 'Introducing more control over Direct Send in Exchange Online (Exchange Team, 2025)', url: `${TC_EXCHANGE}/introducing-more-control-over-direct-send-in-exchange-online/4408790` },
  directSendVsDirect: { title: 'Direct Send vs sending directly to an Exchange Online tenant (Exchange Team)', url: `${TC_EXCHANGE}/direct-send-vs-sending-directly-to-an-exchange-online-tenant/4439865` },
  vulnerableServers2023: { title: 'Throttling and blocking email from persistently vulnerable Exchange servers (Exchange Team, 2023)', url: `${TC_EXCHANGE}/throttling-and-blocking-email-from-persistently-vulnerable-exchange-servers-to-exchange-online/3815328` },
  pauseThrottling: { title: 'How to pause throttling and blocking of out-of-date on-premises servers (Exchange Team)', url: `${TC_T5}/how-to-pause-throttling-and-blocking-of-out-of-date-on-premises/ba-p/4007169` },
  baseline2026: { title: 'Exchange 2016/2019: throttling and blocking up to the final public update baseline (Exchange Team, 2026)', url: `${TC_EXCHANGE}/exchange-20162019-throttling-and-blocking-up-to-the-final-public-update-baseline/4552717` },
  demystifyingHybrid: { title: 'Demystifying and troubleshooting hybrid mail flow (Exchange Team)', url: `${TC_T5}/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838` },
  tlsVersions: { title: 'Email scenarios when TLS versions cannot be agreed on with Exchange Online (Exchange Team)', url: `${TC_EXCHANGE}/understanding-email-scenarios-if-tls-versions-cannot-be-agreed-on-with-exchange-/2065089` },
  partnerConnectorIssue900: { title: 'OfficeDocs-Exchange issue 900: how Partner connectors are chosen (product group answer)', url: 'https://github.com/MicrosoftDocs/OfficeDocs-Exchange/issues/900' },
  partnerConnectorIssue2642: { title: 'OfficeDocs-Exchange issue 2642: a lock-down Partner connector also covers onmicrosoft.com', url: 'https://github.com/MicrosoftDocs/OfficeDocs-Exchange/issues/2642' },

  mc1226222: { title: 'MC1226222: updated prevent/fix guidance for on-premises connectors (copy of the Message Center post)', url: 'https://mwpro.co.uk/blog/2026/02/04/updated-prevent-fix-guidance-for-on-premises-connectors-configuration-mc1226222', thirdParty: true },
  granikosDiscard: { title: 'Granikos: email delivery fails for another Office 365 tenant (shared certificate)', url: 'https://granikos.eu/email-delivery-fails-for-other-office-365-tenant/', thirdParty: true },
  msxfaqAuthAs: { title: 'MSXFAQ: X-MS-Exchange-Organization-AuthAs', url: 'https://www.msxfaq.de/cloud/exchangeonline/transport/x-ms-exchange-organization-authas.htm', thirdParty: true },
  rfc8996: { title: 'RFC 8996: Deprecating TLS 1.0 and TLS 1.1', url: 'https://www.rfc-editor.org/rfc/rfc8996' },
} as const satisfies Record<string, DocReference>;

export type DocReferenceKey = keyof typeof DOC_REFERENCES;
