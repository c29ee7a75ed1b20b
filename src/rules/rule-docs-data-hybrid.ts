import type { RuleDocEntry } from './rule-docs-data-types.js';

/** Rule reference: the hybrid path between on-premises Exchange and Exchange Online (M5–M10, M13, M14). */
export const HYBRID_RULE_DOCS: Record<string, RuleDocEntry> = {
  'hybrid-routing-domain-authoritative': {
    model: ['M7'],
    whenItFires: {
      configuration:
        'On Exchange 2010 (`AdminDisplayVersion` 14.x) the coexistence domain `tenant.mail.onmicrosoft.com` is Authoritative on premises instead of InternalRelay, so Exchange looks for cloud recipients locally. A warning when the server version is unknown; silent on Exchange 2013 and later.',
    },
    evidence: ['The accepted domain and its `DomainType`; the servers\' versions.'],
    fix: ['Make the coexistence domain Internal Relay: `Set-AcceptedDomain -Identity <coexistence domain> -DomainType InternalRelay` (Exchange Management Shell).'],
    references: ['setAcceptedDomain', 'newAcceptedDomain', 'hybridWizard'],
  },
  'third-party-gateway-in-hybrid-path': {
    model: ['M10'],
    whenItFires: {
      simulation: 'A simulated flow between on-premises Exchange and Exchange Online passes a non-Exchange gateway. Microsoft supports only Exchange (Edge Transport included) between the two, so cross-premises mail arrives as external (AuthAs Anonymous).',
      evidence: 'Message headers whose `Received` hops show a third-party gateway between an Exchange Online hop and an on-premises Exchange hop.',
    },
    evidence: ['The simulated path, or the header hops and the `X-MS-Exchange-Organization-AuthAs` value the message arrived with.'],
    fix: [
      "Route hybrid mail directly between Exchange (or Edge) and Exchange Online: the on-premises send connector for the coexistence domain uses the tenant's MX host as smart host, and the tenant's OnPremises outbound connector points at the Exchange or Edge servers.",
      'Run the Hybrid Configuration Wizard again to restore the hybrid connectors.',
    ],
    references: ['transportRouting', 'demystifyingHybrid'],
  },
  'eop-ip-ranges-outdated': {
    model: ['M7', 'M8'],
    whenItFires: {
      configuration:
        "A receive connector scoped to Exchange Online's addresses (its `RemoteIPRanges` hold some of them) lacks current SMTP ranges of endpoint set ID 10 — from an endpoints web service copy in the case, else the list shipped with the tool.",
    },
    evidence: ["The receive connector's `RemoteIPRanges`; the endpoint list used and its date or version."],
    fix: [
      "Add the missing ranges: `Set-ReceiveConnector -RemoteIPRanges @{Add=…}` (Exchange Management Shell).",
      'Allow the same ranges to TCP 25 on the firewall in front of the servers, and follow changes through the endpoints web service.',
    ],
    references: ['endpoints', 'setReceiveConnector'],
  },
  'hybrid-remote-domain-misconfigured': {
    model: ['M7', 'M10'],
    whenItFires: {
      configuration:
        'Where the case holds the organization\'s remote domains: the remote domain for the coexistence domain is missing, or lacks what the Hybrid Configuration Wizard sets (`TargetDeliveryDomain $true`, `TrustedMailOutboundEnabled $true`, `AllowedOOFType InternalLegacy`). Cloud users then get external out-of-office replies and voting buttons break.',
    },
    evidence: ['The remote domain and those three settings, or the list of remote domains without it.'],
    fix: [
      'Create it if missing (`New-RemoteDomain -DomainName <coexistence domain>`), then `Set-RemoteDomain -TargetDeliveryDomain $true -TrustedMailOutboundEnabled $true -AllowedOOFType InternalLegacy` (Exchange Management Shell).',
    ],
    references: ['remoteDomains', 'setRemoteDomain'],
  },
  'flow-expectation-failed': {
    model: ['Outcomes'],
    whenItFires: {
      simulation: 'A flow written in the topology with `Expect` (outcome, `Via`, `NotVia`) does not behave that way when simulated.',
    },
    evidence: ["The flow's `Expect` block; the simulated path and tenants."],
    fix: ['The other findings for the flow name the configuration that makes it behave this way; fix those. If the expectation itself is wrong, correct it in the topology.'],
    references: [],
  },
  'flow-fails': {
    model: ['Outcomes'],
    whenItFires: {
      simulation:
        'A simulated flow ends `rejected`, `dropped`, `looped` or `deferred`, its `Expect` did not ask for that outcome, and no other finding lists the flow among its subjects. It guarantees that no simulated failure goes unreported.',
    },
    evidence: ['The outcome, the response, the hop where the flow failed and the decision that caused it.'],
    fix: ['Read the failing decision: it names the connector, certificate or policy involved. Where the cause is a configuration value the case does not hold, supply that export and diagnose again.'],
    references: ['ndrList'],
  },
  'routing-loop': {
    model: ['M5', 'M6'],
    whenItFires: {
      simulation: 'A simulated flow revisits a system until the hop limit (20): `looped` with `554 5.4.14 Hop count exceeded - possible mail loop ATTR34` (Exchange Online) or `554 5.4.6 Hop count exceeded - possible mail loop` (Exchange Server).',
      evidence: 'An NDR or trace row with 5.4.14 ATTR34 or 5.4.6.',
    },
    evidence: ['The two systems the message bounces between and the connector or accepted-domain settings that send it back; or the loop statuses with their file and line.'],
    fix: [
      'The usual cause is a hybrid outbound connector that routes by MX while the MX points to Exchange Online: give it the on-premises smart hosts (`Set-OutboundConnector -UseMXRecord $false -SmartHosts …`, Exchange Online PowerShell).',
      'A domain that is InternalRelay on both sides for an address neither has: make it Authoritative where the mailboxes live (`Set-AcceptedDomain -DomainType Authoritative`).',
      'Check with `Get-OutboundConnector | Format-List Name,ConnectorType,RecipientDomains,UseMXRecord,SmartHosts` and `Get-AcceptedDomain | Format-List DomainName,DomainType`.',
    ],
    references: ['loopNdr', 'edgeLoop', 'setUpConnectors'],
  },
  'exo-to-onprem-tls-validation-fails': {
    model: ['M8'],
    whenItFires: {
      simulation:
        'On an Exchange Online outbound connector with `TlsSettings` CertificateValidation or DomainValidation, the certificate offered by the receive connector a connection lands on is self-signed, untrusted, sent without intermediates, expired, or (DomainValidation) does not carry `TlsDomain` — for at least one smart host ("intermittent" when others succeed). The flow is `deferred` with 450 4.7.320 or 450 4.4.317 and returned after 24 hours.',
      evidence: 'Trace `Defer` events with 4.7.320, or 4.4.317 with `SubjectMismatch` / `UntrustedRoot`.',
    },
    evidence: ['Per smart host: the receive connector landed on, the certificate it offers, and why validation fails.', 'The deferral statuses in a message trace, with file and line.'],
    fix: [
      'Make the receive connector Exchange Online lands on offer the public hybrid certificate (`Set-ReceiveConnector -TlsCertificateName`, Exchange Management Shell) — usually Default Frontend on the server the Hybrid Configuration Wizard did not configure.',
      'Or, when the offered certificate is right but `TlsDomain` is wrong, correct it on the outbound connector (`Set-OutboundConnector -TlsDomain`, Exchange Online PowerShell).',
    ],
    references: ['mailFlowIntelligence', 'tlsHybrid2025', 'untrustedRoot', 'challenge', 'newOutboundConnector'],
  },
  'exo-to-onprem-starttls-unavailable': {
    model: ['M8'],
    whenItFires: {
      simulation:
        'The Exchange Online outbound connector requires TLS and the receive connector it lands on offers no STARTTLS (`AuthMechanism` without Tls, `TlsCertificateName` naming a missing certificate, no eligible certificate). The flow is `deferred` with `450 4.4.317 … [Message=451 5.7.3 STARTTLS is required to send mail]`.',
      evidence: 'That text in a message trace.',
    },
    evidence: ['The receive connector landed on, its `AuthMechanism` and `TlsCertificateName`, and the certificates on its server.'],
    fix: [
      'Add Tls to the connector\'s `AuthMechanism` (`Set-ReceiveConnector -AuthMechanism`, Exchange Management Shell), or repair its certificate: enable the hybrid certificate for SMTP and name it in `TlsCertificateName` (see `connector-stale-certificate-reference`).',
    ],
    references: ['kb2989382', 'starttlsSelection', 'mailFlowIntelligence'],
  },
  'exo-to-onprem-connection-fails': {
    model: ['M8'],
    whenItFires: {
      simulation:
        "A smart host of the outbound connector does not resolve, no enabled receive connector on the target accepts Exchange Online's source addresses, or a firewall list in the case lacks Exchange Online's ranges. The flow is `deferred` (4.4.312, 4.4.316, 4.4.317).",
      evidence: 'Trace `Defer` events with 4.4.312, 4.4.315, 4.4.316 or 4.4.318.',
    },
    evidence: ['The smart hosts, their DNS records in the case, the receive connectors on the target and their `RemoteIPRanges`/`Bindings`.'],
    fix: [
      'Publish the smart host name in DNS; enable the receive connector (`Set-ReceiveConnector -Enabled $true`) or add Exchange Online\'s ranges to it (`-RemoteIPRanges @{Add=…}`, Exchange Management Shell); open TCP 25 from Exchange Online\'s ranges on the firewall.',
    ],
    references: ['mailFlowIntelligence', 'ndrList', 'endpoints'],
  },
  'exo-lands-on-wrong-receive-connector': {
    model: ['M8', 'M10'],
    whenItFires: {
      configuration:
        "Exchange Online's source addresses land — by `Bindings` and the most specific `RemoteIPRanges` — on a receive connector other than the one the Hybrid Configuration Wizard configured for it (the one with `TlsDomainCapabilities` / `TlsCertificateName`), for example a relay connector whose ranges cover Exchange Online.",
    },
    evidence: ['Both receive connectors with their `RemoteIPRanges`, and the Exchange Online ranges the wrong one covers.'],
    fix: ["Remove Exchange Online's ranges from the connector that catches them (`Set-ReceiveConnector -RemoteIPRanges @{Remove=…}`, Exchange Management Shell), so connections land on the hybrid one."],
    references: ['setReceiveConnector', 'tlsHybrid2025'],
  },
  'onprem-to-exo-tls-validation-fails': {
    model: ['M9'],
    whenItFires: {
      configuration:
        "The send connector towards Exchange Online cannot validate Exchange Online's certificate: `TlsAuthLevel DomainValidation` with a `TlsDomain` that does not match the instance's certificate name (`mail.protection.outlook.com`), or without `TlsDomain` on the coexistence address space.",
      simulation: 'The flow is `deferred` on premises with `454 4.7.5 Certificate validation failure` and returned after the server\'s `MessageExpirationTimeout`.',
      evidence: 'That text in a queue or tracking export is reported by `trace-onprem-send-tls-error`, which names this cause.',
    },
    evidence: ["The send connector's `RequireTLS`, `TlsAuthLevel`, `TlsDomain` and address spaces."],
    fix: ['Set the certificate name Exchange Online presents: `Set-SendConnector -TlsDomain mail.protection.outlook.com` (Exchange Management Shell; on Edge, then `Start-EdgeSynchronization`).'],
    references: ['newSendConnector', 'exoTls', 'kb3212872'],
  },
  'cross-premises-trust-disabled': {
    model: ['M10'],
    whenItFires: {
      configuration:
        "On a hybrid route, `CloudServicesMailEnabled` is `$false` on the on-premises send connector to the tenant, on the tenant's OnPremises inbound connector or on its OnPremises outbound connector; or the receive connector Exchange Online lands on (2013+) lacks `TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail` (2010: `AcceptOorgProtocol`). Not when the sender is not Exchange and the inbound connector uses `TreatMessagesAsInternal $true`.",
      simulation: "The flow's cross-premises hops get `authAs: Anonymous`.",
    },
    evidence: ['The connector whose setting breaks the trust, and the affected flows with their `authAs`.'],
    fix: [
      'Set `CloudServicesMailEnabled $true` where it is false: `Set-SendConnector` (Exchange Management Shell, or the Edge server then `Start-EdgeSynchronization`), `Set-InboundConnector` / `Set-OutboundConnector` (Exchange Online PowerShell).',
      'Grant the capability on the receive connector: `Set-ReceiveConnector -TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail` (Exchange Management Shell).',
    ],
    references: ['newInboundConnector', 'newSendConnector', 'setReceiveConnector', 'kb3212872', 'headerFirewall'],
  },
  'cmt-inbound-relay-denied': {
    model: ['M14'],
    whenItFires: {
      configuration:
        '`RouteAllMessagesViaOnPremises` is on and the receive connector Exchange Online lands on does not let it relay (no validated `AcceptCloudServicesMail`; on 2010, an "Inbound from Office 365" connector without Exchange Online\'s ranges).',
      simulation: 'Cloud mailboxes\' internet mail is `rejected` with `550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain` (2013+) or `550 5.7.1 Unable to relay` (2010).',
      evidence: 'Those texts on an outbound-connector delivery in a trace, a receive log or an NDR.',
    },
    evidence: ['The outbound connector with centralized mail transport, the receive connector landed on and its `TlsDomainCapabilities`.'],
    fix: ["Grant Exchange Online relay on the landing receive connector: `Set-ReceiveConnector -TlsDomainCapabilities @{Add='mail.protection.outlook.com:AcceptCloudServicesMail'}` (Exchange Management Shell), with the hybrid certificate so TLS validates."],
    references: ['transportRouting', 'tlsHybrid2025', 'setReceiveConnector'],
  },
  'legacy-or-wrong-exo-endpoint': {
    model: ['M13'],
    whenItFires: {
      configuration:
        'A send connector, gateway route or MX uses `mail.messaging.microsoft.com`, `mail.global.frontbridge.com` or an Exchange Online IP literal (`451 4.4.62 … ATTR35`, deferred); a submission host (`smtp.office365.com`, `smtp-legacy.office365.com`, `smtp.hve.mx.microsoft`) as unauthenticated relay smart host (`5.7.57`, rejected); or a host of another cloud instance than the tenant\'s (the project\'s reading of "wrong region").',
      evidence: 'ATTR35 or 5.7.57 in a queue, send log or NDR.',
    },
    evidence: ['The connector or route and its smart hosts; the statuses with their file and line.'],
    fix: [
      "Use the tenant's MX endpoint (`<domain-key>.mail.protection.outlook.com`) as smart host: `Set-SendConnector -SmartHosts … -DNSRoutingEnabled $false` (Exchange Management Shell), and make sure an inbound connector matches the sender's certificate or IP.",
    ],
    references: ['attr35', 'fix557', 'endpoints'],
  },
};
