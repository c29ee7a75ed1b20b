import type { RuleDocEntry } from './rule-docs-data-types.js';

/** Rule reference: rules that fire from evidence — message traces, logs, queues, captures, headers, NDRs. */
export const EVIDENCE_RULE_DOCS: Record<string, RuleDocEntry> = {
  'trace-foreign-mail-via-onprem-connector': {
    model: ['M3', 'M4', 'Evidence'],
    whenItFires: {
      evidence:
        "A message trace (extended report or trace details) shows messages received through a tenant's OnPremises connector whose senders are not in the tenant's accepted domains; it reports how many, which sender domains, the first and last time. Information only when the sending host is the tenant's own on-premises side (its supported relay of forwarded mail and NDRs).",
    },
    evidence: ['The trace rows (`S:InboundConnectorData=Name=…`, sender, client address and host name), grouped by sender domain.'],
    fix: [
      'Find which host presents a certificate or address the connector accepts (the client address and host name in the trace), and diagnose the case with the connector and send-connector exports to get the exact cause (`inbound-cert-name-overmatch`).',
      "Narrow the connector to the one certificate name only the tenant's own hybrid route presents (`Set-InboundConnector -TlsSenderCertificateName`, Exchange Online PowerShell).",
      'Tell the owners of those sender domains that their mail passed through the tenant (journal, transport rules) during that time.',
    ],
    references: ['messageTrace', 'getMessageTraceV2', 'setUpConnectors', 'relay2023'],
  },
  'tenant-attribution-rejected': {
    model: ['M3', 'M4', 'Evidence'],
    whenItFires: {
      evidence:
        '`550 5.7.64 TenantAttribution; Relay Access Denied`, or the older `550 5.4.1 Relay Access Denied`, in a trace, log, queue, NDR or capture. With `ATTR36` it also raises `relay-cert-domain-not-immediate-parent`.',
    },
    evidence: ['The rejected sessions or statuses with file and line, and what the session shows about the client certificate (none, expired, untrusted, another name) or the source address.'],
    fix: [
      'Make the send connector present a valid, publicly trusted certificate whose name the tenant\'s certificate-scoped OnPremises connector accepts (`Set-SendConnector -TlsCertificateName`, Exchange Management Shell), or send from an address in the IP-scoped connector\'s `SenderIPAddresses`.',
      'Check the tenant side: the OnPremises connector is enabled and its `TlsSenderCertificateName` matches (`Get-InboundConnector | Format-List Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses`, Exchange Online PowerShell).',
      'A missing intermediate certificate on the sender gives the same response: import it into the intermediate store.',
    ],
    references: ['fix5764', 'relayAccessDenied', 'kb3212877', 'kb2827473', 'relay2023'],
  },
  'capture-no-client-certificate': {
    model: ['M2', 'M3', 'Evidence'],
    whenItFires: {
      evidence: 'A captured TLS handshake with Exchange Online shows an empty client Certificate message: Exchange Online asked for a certificate and the sender had none to give, so no certificate-scoped connector can match.',
    },
    evidence: ['The capture file, the session (addresses, time) and the handshake messages.'],
    fix: [
      "Associate the organization's publicly trusted certificate with the send connector: `Set-SendConnector -TlsCertificateName '<I>issuer<S>subject'` (or set its `Fqdn` to the certificate's name), in the Exchange Management Shell.",
      'Capture again: the client Certificate message must now carry the certificate.',
    ],
    references: ['fix5764', 'kb3212877'],
  },
  'starttls-masked': {
    model: ['M7', 'M9', 'Evidence'],
    whenItFires: {
      evidence: 'An EHLO reply in a capture or protocol log where STARTTLS is expected but missing or masked (`XXXXXXXA`, asterisks), or STARTTLS answered with 500 after being offered: a firewall rewrites the SMTP dialogue.',
    },
    evidence: ['The EHLO reply as captured or logged, with the server and file.'],
    fix: [
      'Turn off SMTP/ESMTP inspection for the mail servers on the firewall in front of them (on Cisco devices: `no fixup protocol smtp 25` / `no inspect esmtp`).',
      'Check again: the EHLO reply must list STARTTLS (`Test-NetConnection <server> -Port 25`, then `openssl s_client -starttls smtp`).',
    ],
    references: ['kb295725', 'transportRouting', 'demystifyingHybrid'],
  },
  'tls-weak-version': {
    model: ['Evidence'],
    whenItFires: {
      evidence: 'A protocol log, capture or `Received` header shows TLS below 1.2 negotiated between two mail systems.',
    },
    evidence: ['The session or header hop, with the protocol version and cipher.'],
    fix: [
      'Enable TLS 1.2 and disable TLS 1.0/1.1 on both servers (SCHANNEL settings and .NET strong crypto on Windows, then restart).',
      'On Exchange Server, follow the TLS configuration best practices and confirm with the Exchange Health Checker (`.\\HealthChecker.ps1`, Exchange Management Shell).',
    ],
    references: ['exchangeTlsConfig', 'tlsVersions', 'rfc8996'],
  },
  'message-not-internal': {
    model: ['M10', 'Evidence'],
    whenItFires: {
      evidence: 'The headers of a message that crossed premises (on premises ↔ the tenant of the case) show `X-MS-Exchange-Organization-AuthAs: Anonymous`: Exchange treated it as internet mail.',
    },
    evidence: ['The message\'s AuthAs, AuthSource and cross-tenant headers, and its hops.'],
    fix: [
      'Find the hop where the message left Exchange: a third-party gateway or NAT device there must go or be bypassed for hybrid mail; diagnose the case with the connector exports and logs to find which (`eop-source-ip-not-preserved`, `third-party-gateway-in-hybrid-path`, `cross-premises-trust-disabled`).',
      'Run the Hybrid Configuration Wizard again once the path is direct, then send a test message and check AuthAs again.',
    ],
    references: ['headerFirewall', 'demystifyingHybrid', 'msxfaqAuthAs'],
  },
  'eop-source-ip-not-preserved': {
    model: ['M1', 'M7', 'M8', 'Evidence'],
    whenItFires: {
      evidence: "Exchange Online's connections — recognised by their EHLO, certificate or banner names — reach an on-premises server from an address outside Exchange Online's ranges (a NAT device), so they land on the default receive connector instead of the one scoped to Exchange Online.",
    },
    evidence: ['The receive log or capture sessions with their source address and the Exchange Online names they carry; the receive connector they landed on.'],
    fix: [
      "Publish port 25 without source NAT (a route or destination NAT only), so Exchange sees Exchange Online's own addresses (firewall).",
      'Check that the hybrid receive connector lists those ranges (`Get-ReceiveConnector | Format-List Name,RemoteIPRanges,TlsCertificateName`, Exchange Management Shell).',
    ],
    references: ['endpoints', 'demystifyingHybrid'],
  },
  'evidence-contradicts-model': {
    model: ['Evidence'],
    whenItFires: {
      evidence:
        'Evidence disagrees with what the simulator predicts for the same route: the tenant or connector a trace says received a message, the certificate or source address a log or capture shows a sender presenting, or a deferral or rejection on a route the simulator predicts as delivered. Only where a prediction exists.',
    },
    evidence: ['The evidence rows and the prediction they contradict.'],
    fix: [
      'Export the connectors and certificates again from the same day as the evidence (see docs/collect-evidence.md) and diagnose both together.',
      'If the exports are current, something between the sender and Exchange Online changes what it presents (a NAT device, a gateway): capture the connection to see the certificate and address on the wire.',
    ],
    references: ['messageTrace'],
  },
  'ip-blocklisted': {
    model: ['M12', 'Evidence'],
    whenItFires: {
      evidence: 'A rejection `5.7.606`–`5.7.649` ("Access denied, banned sending IP") or `5.7.511` from Exchange Online, or another receiver\'s block-list reply, for a sending address.',
    },
    evidence: ['The rejections with the address and list named, with file and line.'],
    fix: [
      'Find why the address was listed (an open relay, a compromised account, a mass mailing) and stop it first.',
      'Then request delisting: for Exchange Online (5.7.606–649) at the delist portal; for 5.7.511 by mail to Microsoft as the NDR says; for other lists at the list named in the reply.',
    ],
    references: ['fix606', 'delistPortal', 'ndrList'],
  },
  'trace-onprem-send-tls-error': {
    model: ['M2', 'M9', 'Evidence'],
    whenItFires: {
      evidence:
        'An on-premises queue, tracking log or send protocol log shows, on a connector to Exchange Online: `454 4.7.5 The certificate specified in TlsCertificateName … could not be found`, `454 4.7.5 Certificate validation failure`, `TLS negotiation failed with error UnknownCredentials` or `NoCredentials`, or `451 5.7.3 STARTTLS is required to send mail`. Each maps to its configuration rule.',
    },
    evidence: ['The statuses with file and line, and the send connector and server they name.'],
    fix: [
      'Certificate not found: import the renewed certificate on every source server and name it on the send connector (`Set-SendConnector -TlsCertificateName`, Exchange Management Shell).',
      'Validation failure: `Set-SendConnector -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain mail.protection.outlook.com` (`mail.protection.office365.us` for GCC High/DoD).',
      'UnknownCredentials/NoCredentials: enable the certificate for SMTP (`Enable-ExchangeCertificate -Services SMTP`) and let the transport service read its private key.',
      'STARTTLS required: make sure the sending connector starts TLS, or look for a device masking STARTTLS.',
    ],
    references: ['kb3156771', 'kb4051498', 'lalit', 'newSendConnector'],
  },
  'trace-message-expired': {
    model: ['Outcomes', 'Evidence'],
    whenItFires: {
      evidence: 'An NDR or trace shows `4.4.7 QUEUE.Expired` or `5.4.300 Message expired`: the message was deferred until it expired (24 hours in Exchange Online, `MessageExpirationTimeout` on Exchange Server). The finding quotes the last deferral as the cause.',
    },
    evidence: ['The expiry statuses and the last deferral (`LED=` in the trace, `LastError` in the queue).'],
    fix: [
      'Read the last deferral of an expired message in the message trace details (the `LED=` value) and look it up with `mailflow-doctor explain`.',
      'On premises, the queue keeps the last error while the message waits: `Get-Queue | Format-List Identity,NextHopDomain,Status,MessageCount,LastError` (Exchange Management Shell).',
    ],
    references: ['fix447', 'mailFlowIntelligence', 'setTransportService'],
  },
  'trace-recipient-not-found': {
    model: ['M11', 'Evidence'],
    whenItFires: {
      evidence: '`550 5.1.10 RESOLVER.ADR.RecipientNotFound` (Exchange Online) or `5.1.1 RESOLVER.ADR.RecipNotFound` (Exchange Server) for an address in an accepted domain — a synchronization or proxy-address problem when the address exists on the other side.',
    },
    evidence: ['The statuses with the recipient, file and line.'],
    fix: [
      'Look the address up where the message was refused (`Get-Recipient -Identity … | Format-List Name,RecipientTypeDetails,PrimarySmtpAddress,EmailAddresses`).',
      'Look it up on the other side; when it exists there, synchronize the object (Entra Connect) or add the address to its proxy addresses.',
    ],
    references: ['fix5110', 'ndrList'],
  },
  'trace-ip-throttled': {
    model: ['M12', 'Evidence'],
    whenItFires: {
      evidence: '`451 4.7.500-699 (ASxxx) Access denied, please try again later` or 4.7.850–899 for a relay or gateway source: Exchange Online treats it as an unknown internet sender whose volume changed, because no inbound connector identifies it.',
    },
    evidence: ['The deferrals with the sending address, file and line.'],
    fix: [
      'List the inbound connectors and check that one identifies the sender by certificate (preferred) or IP (`Get-InboundConnector | Format-List …`, Exchange Online PowerShell).',
      'If none does, create one: `New-InboundConnector -ConnectorType OnPremises` with `TlsSenderCertificateName` (or `SenderIPAddresses`).',
    ],
    references: ['fix451AS', 'newInboundConnector'],
  },
  'trace-dane-mtasts-failure': {
    model: ['M6', 'Evidence'],
    whenItFires: {
      evidence: '4.7.321–325 / 5.7.321–325 (SMTP DANE), or MTA-STS deferrals, on an outbound connector delivery; the finding names the connector\'s `SmtpDaneMode`/`MtaStsMode` when known.',
    },
    evidence: ['The statuses with file and line; the outbound connector that delivers to the destination.'],
    fix: [
      'The destination must fix its DANE (TLSA, DNSSEC) or MTA-STS policy or certificate.',
      'See how the connector applies them: `Get-OutboundConnector | Format-List Name,SmtpDaneMode,MtaStsMode` (Exchange Online PowerShell); only if delivery without the check is acceptable meanwhile, relax the mode on that connector (`Set-OutboundConnector`).',
    ],
    references: ['smtpDane', 'mtaSts', 'ndrList', 'newOutboundConnector'],
  },
  'trace-mixed-region-deferral': {
    model: ['M13', 'Evidence'],
    whenItFires: {
      evidence: '`452 4.5.3 … ATTR38` per-recipient deferrals. Microsoft documents no meaning for ATTR38; the project reads it, after third-party reports, as recipients of different regions in one transaction, which the sender retries separately.',
    },
    evidence: ['The deferrals with file and line, and the send connector when the status names it.'],
    fix: ['Usually benign when the retries succeed. If the deferrals persist, check the smart hosts of the sending connector (`Get-SendConnector | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled`, Exchange Management Shell): one that overrides MX routing sends recipients of several regions in one transaction.'],
    references: ['ndrList'],
  },
  'trace-allow-list-relay-block': {
    model: ['M12', 'Evidence'],
    whenItFires: {
      evidence: '`550 5.7.1 Unable to Relay: Blocked by Customer Allow list`: the relaying address is on an inbound connector, in the connection filter\'s IP Allow List, and on a block list.',
    },
    evidence: ['The NDRs with the address, file and line.'],
    fix: [
      "Look for the address in the connection filter's IP Allow List (`Get-HostedConnectionFilterPolicy | Format-List Name,IPAllowList`, Exchange Online PowerShell).",
      'Remove it from the allow list and keep it on the inbound connector: `Set-HostedConnectionFilterPolicy -Identity Default -IPAllowList @{Remove=…}`.',
    ],
    references: ['allowListRelay'],
  },
};
