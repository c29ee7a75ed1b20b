import type { RuleDocEntry } from './rule-docs-data-types.js';

/** Rule reference: attribution at Exchange Online, relay, and the certificates that drive them (M2–M4, M17). */
export const ATTRIBUTION_RULE_DOCS: Record<string, RuleDocEntry> = {
  'inbound-cert-name-overmatch': {
    model: ['M3', 'M4', 'M17'],
    whenItFires: {
      configuration:
        "An OnPremises inbound connector's `TlsSenderCertificateName` (a wildcard such as `*.contoso.com`, or a name several hosts share) matches a certificate that is also presented by a host carrying mail the tenant does not own: a shared gateway's internet route, or another organization's send connector.",
      simulation: 'Flows from those hosts to recipients in Exchange Online are attributed to the tenant at step 1 (certificate) and relayed or journaled there; the finding lists them.',
    },
    evidence: [
      'The inbound connector and its `TlsSenderCertificateName` (Get-InboundConnector export or topology).',
      'Each matching certificate, who presents it and on which route (send connectors with their `TlsCertificateName`/`Fqdn`, gateway routes).',
      'Up to ten simulated flows attributed to the tenant through the connector, with their outcome.',
    ],
    fix: [
      "Set the connector's `TlsSenderCertificateName` to the exact name of a certificate that only the tenant's own hybrid route presents (Exchange Online PowerShell, `Set-InboundConnector`); never a wildcard on an OnPremises connector.",
      'Give every route into Exchange Online its own certificate, so an internet route never presents the name a tenant connector accepts.',
      'Each command is simulated against a copy of the case first; the finding says whether the fix was verified.',
    ],
    references: ['setInboundConnector', 'relay2023', 'relay2023Wildcard', 'mc1226222'],
  },
  'relay-through-foreign-tenant': {
    model: ['M3', 'M4'],
    whenItFires: {
      simulation:
        "A simulated message is attributed to a tenant that owns neither its sender domain nor its recipient domain, and it was sent by an organization or gateway that is not the tenant's own on-premises side. The tenant's own certificate connector relaying forwarded mail, application domains or on-premises NDRs is supported and does not fire.",
    },
    evidence: [
      'The simulated path, the tenants it passed, and the attribution decision (step and connector).',
      "The connector's `TlsSenderCertificateName` and `SenderIPAddresses`.",
    ],
    fix: [
      'For an IP match: remove the shared address from the connector (`Set-InboundConnector -SenderIPAddresses @{Remove=…}`, Exchange Online PowerShell), or scope the connector by a dedicated certificate.',
      "For a certificate match: set `TlsSenderCertificateName` to the exact name only the tenant's own hybrid route presents, and present a different certificate on the foreign route.",
    ],
    references: ['relay2023', 'relay2023AnyDomain', 'attributionBlog'],
  },
  'shared-identity-tenant-and-internet-route': {
    model: ['M3', 'M5'],
    whenItFires: {
      configuration:
        "The identity that matches the tenant's OnPremises connector — a certificate name on a certificate-scoped connector, or a source IP on an IP-scoped one — is also presented on the route that carries the tenant's own mail to the internet (delivery by MX).",
      simulation: 'Mail from the tenant to recipients in other Exchange Online tenants comes back attributed to the sending tenant and is `dropped` without an NDR; the finding lists those flows.',
    },
    evidence: [
      'The connector and the identity it matches; the routes that present that identity and deliver by MX.',
      'Up to ten simulated flows that were dropped after coming back to the tenant.',
    ],
    fix: [
      'Give the internet route a certificate of its own that no OnPremises connector matches, or move an IP-scoped connector to certificate scoping with a certificate only the route to the tenant presents (publicly trusted, valid).',
      'Then remove the shared address from the connector (`Set-InboundConnector -SenderIPAddresses $null`, Exchange Online PowerShell).',
    ],
    references: ['granikosDiscard', 'relay2023Wildcard', 'setUpConnectors', 'mc1226222'],
  },
  'cert-connector-no-client-certificate': {
    model: ['M2', 'M3'],
    whenItFires: {
      simulation:
        'A flow that must be attributed through a certificate-scoped OnPremises connector (hybrid or relay route) comes from a sender that presents no TLS client certificate: the send connector has no usable `TlsCertificateName`, and no certificate on its source servers covers its `Fqdn` or the server name.',
    },
    evidence: [
      "How the send connector's certificate was selected (or why none was), from the send connector and the certificates installed on its source servers.",
      "The certificate-scoped connector and its `TlsSenderCertificateName`; the flows that depend on it.",
    ],
    fix: [
      "Obtain or import a publicly trusted certificate whose name the connector accepts, enable it for SMTP, and name it on the send connector: `Set-SendConnector -TlsCertificateName '<I>issuer<S>subject'` (Exchange Management Shell; on Edge, then `Start-EdgeSynchronization`).",
      'Check on the wire: a capture of the session with Exchange Online must show a non-empty client Certificate message.',
    ],
    references: ['kb3212877', 'setSendConnector', 'fix5764'],
  },
  'cert-connector-name-mismatch': {
    model: ['M3'],
    whenItFires: {
      simulation:
        "On a flow that must be attributed through a certificate-scoped connector to be delivered, the presented certificate's names (subject and SANs) do not match the connector's `TlsSenderCertificateName`. Routes meant to reach other tenants as ordinary internet mail are exempt.",
    },
    evidence: [
      "The connector's `TlsSenderCertificateName`; the presented certificate's subject, thumbprint and names.",
      'The affected simulated flows with their outcome (rejected with 5.7.64, or carried by another connector).',
    ],
    fix: [
      "Safest first: make the route present an installed certificate the connector already expects (`Set-SendConnector -TlsCertificateName`, Exchange Management Shell).",
      "Otherwise point the connector at the presented name (`Set-InboundConnector -TlsSenderCertificateName`, Exchange Online PowerShell) — never a self-signed, untrusted or expired certificate, never a wildcard, and never away from a name that working mail relies on.",
    ],
    references: ['setInboundConnector', 'setSendConnector', 'relayAccessDenied'],
  },
  'certificate-expired': {
    model: ['M2', 'M3', 'M8'],
    whenItFires: {
      configuration: 'A certificate that a send connector, gateway route or receive connector uses is past `NotAfter` (or before `NotBefore`) at the moment judged (`--at`, default now).',
    },
    evidence: ['The certificate (subject, thumbprint, NotBefore, NotAfter) and every route that presents it.', 'Failing simulated flows that present it.'],
    fix: [
      'Renew the certificate with the same names, import it on every server that presents it and enable it for SMTP, then point the connectors at it (`Set-SendConnector`/`Set-ReceiveConnector -TlsCertificateName`, Exchange Management Shell).',
      'An expired certificate is still presented, but Exchange Online matches no connector with it: until it is renewed, relay is refused with 5.7.64 and hybrid mail arrives anonymous.',
    ],
    references: ['kb3212877', 'certificateRequirements', 'tlsHybrid2025'],
  },
  'certificate-untrusted': {
    model: ['M3'],
    whenItFires: {
      configuration: "A certificate whose name matches a certificate-scoped OnPremises connector is self-signed or not issued by a publicly trusted CA, so Exchange Online never accepts it for the match.",
    },
    evidence: ["The certificate's subject, issuer and why it is not trusted; the connectors its name matches and the routes that present it."],
    fix: [
      'Replace it with a certificate from a public CA (same names), installed with its intermediate certificates, enabled for SMTP and named on the send connector (Exchange Management Shell).',
      'A missing intermediate on the sending server gives the same 5.7.64: import it into the local computer\'s intermediate store (Windows PowerShell, `Import-Certificate -CertStoreLocation Cert:\\LocalMachine\\CA`).',
    ],
    references: ['kb3212877', 'certificateRequirements'],
  },
  'certificate-no-private-key': {
    model: ['M2'],
    whenItFires: {
      configuration: 'A certificate chosen for TLS (by a send connector, receive connector or gateway route) has `HasPrivateKey` false, or the service cannot read its key.',
      evidence: 'A send protocol log showing `TLS negotiation failed with error NoCredentials` points to this cause (reported by `trace-onprem-send-tls-error`).',
    },
    evidence: ['The certificate (subject, thumbprint, HasPrivateKey) and the connectors or routes that select it.'],
    fix: [
      'Import the certificate again with its private key (`Import-ExchangeCertificate` from the PFX, Exchange Management Shell) and enable it for SMTP.',
      'For a gateway running under a service or virtual account, grant that account read access to the private key.',
    ],
    references: ['importExchangeCertificate', 'kb4051498'],
  },
  'send-connector-fqdn-certificate-mismatch': {
    model: ['M2'],
    whenItFires: {
      configuration: "A send connector sets `Fqdn`, has no `TlsCertificateName`, and no SMTP certificate on one of its source servers carries that name: Exchange presents another certificate (the server's) or none.",
    },
    evidence: ["The send connector's `Fqdn` and source servers; what each server presents instead (from the certificate selection)."],
    fix: [
      'Set the `Fqdn` to the name of the SMTP certificate the route should present (`Set-SendConnector -Fqdn`, Exchange Management Shell), or install a certificate for the current name on every source server.',
    ],
    references: ['newSendConnector', 'setSendConnector', 'starttlsSelection'],
  },
  'connector-stale-certificate-reference': {
    model: ['M2', 'M7', 'M8'],
    whenItFires: {
      configuration:
        "A send or receive connector's `TlsCertificateName` names a certificate that is not installed on one of its servers, or whose `Status` there is Invalid or RevocationCheckFailure — typically after a renewal with another issuer or subject. An installed but expired certificate is still presented and is `certificate-expired`'s case.",
      simulation: 'Send side: the flow is `deferred` with `454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.` Receive side: the connector offers no STARTTLS (event 12014) and Exchange Online defers with 451 5.7.3.',
      evidence: 'The 454 4.7.5 text in a queue or tracking export is reported by `trace-onprem-send-tls-error`, which names this configuration cause.',
    },
    evidence: ["The connector's `TlsCertificateName` value; the certificates installed on its servers (`Get-ExchangeCertificate`); the flows it leaves queued or undelivered."],
    fix: [
      'List the certificates of the server and find the renewed one (`Get-ExchangeCertificate | Format-List Thumbprint,Issuer,Subject,NotAfter,Status,Services`, Exchange Management Shell).',
      "Import it where it is missing, enable it for SMTP (`Enable-ExchangeCertificate -Services SMTP`, answering No to replacing the default certificate) and set the connector's `TlsCertificateName` to its `<I>issuer<S>subject`.",
      'For the receive connector Exchange Online lands on, run the Hybrid Configuration Wizard again afterwards.',
    ],
    references: ['kb3156771', 'kb2989382', 'tlsHybrid2025', 'lalit'],
  },
  'ip-connector-foreign-sender-domains': {
    model: ['M3', 'M4'],
    whenItFires: {
      simulation:
        "An IP-scoped OnPremises connector is expected to relay mail whose MAIL FROM domain is not an accepted domain of the tenant (hosted customers, forwarding, application domains) or null-sender NDRs. Since November 2023 Exchange Online relays such mail only through a certificate whose domain is accepted, so it is rejected with 550 5.7.64.",
    },
    evidence: ["The connector's `SenderIPAddresses`; the simulated flows with foreign sender domains and their response."],
    fix: [
      "Relay that mail through a certificate-scoped OnPremises connector: make the send connector present a publicly trusted certificate whose name is an accepted domain or immediately under one (`Set-SendConnector -TlsCertificateName`, Exchange Management Shell), and set the tenant connector's `TlsSenderCertificateName` to that name (Exchange Online PowerShell).",
    ],
    references: ['relay2023', 'relay2023AnyDomain', 'notice2016'],
  },
  'connector-identity-matches-several-tenants': {
    model: ['M3', 'M17'],
    whenItFires: {
      configuration: 'One certificate name, or one source IP, matches Enabled OnPremises connectors in more than one tenant of the case. Microsoft calls this unsupported: attribution between those tenants becomes arbitrary.',
    },
    evidence: ['Each matching connector with its tenant, `TlsSenderCertificateName` and `SenderIPAddresses`.'],
    fix: [
      'Give each tenant its own send connector and its own client certificate on premises, and point each tenant\'s OnPremises connector at its own certificate name (Exchange Management Shell and Exchange Online PowerShell).',
    ],
    references: ['mc1226222', 'attributionBlog'],
  },
  'relay-cert-domain-not-immediate-parent': {
    model: ['M3', 'M4'],
    whenItFires: {
      configuration:
        'A certificate matches an Enabled OnPremises connector, but neither its name nor its immediate parent is an accepted domain of the tenant, while a higher parent is (`host.sub.contoso.com` with only `contoso.com` accepted).',
      simulation: "The tenant's relays of non-accepted senders and on-premises NDRs are rejected with `550 5.7.64 Relay Access Denied ATTR36`.",
      evidence: '550 5.7.64 with `ATTR36` in an NDR, log, capture or trace.',
    },
    evidence: ['The certificate name, the connector it matches and the accepted domains of the tenant.', 'The rejected flows, or the ATTR36 statuses with their file and line.'],
    fix: [
      'Add the immediate parent (`sub.contoso.com`) as a domain of the tenant (Microsoft 365 admin center → Settings → Domains), or reissue the certificate directly under an accepted domain; then run the Hybrid Configuration Wizard again.',
      'Check the domains with `Get-AcceptedDomain | Format-List DomainName,DomainType` (Exchange Online PowerShell).',
    ],
    references: ['kb4019940', 'notice2016', 'relay2023'],
  },
  'ip-connector-unsupported-range': {
    model: ['M3'],
    whenItFires: {
      configuration:
        "An OnPremises or Partner connector's `SenderIPAddresses` holds an IPv6 value or a prefix outside /24–/32. Exchange Online accepts only IPv4 addresses and /24–/32 ranges; the simulator ignores the other values, so mail from those addresses matches nothing.",
      simulation: 'Warning when a sender meant to match an IP-scoped connector reaches Exchange Online over IPv6 (an IPv6 source never matches an IP-scoped connector).',
    },
    evidence: ["The connector's `SenderIPAddresses`; the failing flows from addresses only an ignored value covers."],
    fix: [
      'Keep only values Exchange Online accepts, with shorter prefixes written out as /24 blocks (`Set-InboundConnector -SenderIPAddresses …`, Exchange Online PowerShell).',
      'Or scope the connector by the certificate the on-premises send connector presents, and make the servers reach Exchange Online over IPv4.',
    ],
    references: ['newInboundConnector', 'ndrList'],
  },
  'certificate-not-enabled-for-smtp': {
    model: ['M2', 'M8'],
    whenItFires: {
      configuration:
        "The certificate a hybrid send connector or the receive connector Exchange Online lands on selects lacks SMTP in `Services`. Exchange still selects it and the TLS handshake fails with `UnknownCredentials`; the send queue shows `451 4.4.0 … 421 4.4.1 Connection timed out.`",
      evidence: 'The `UnknownCredentials` send-log line is reported by `trace-onprem-send-tls-error`, which names this cause.',
    },
    evidence: ["The certificate's subject, thumbprint and `Services`; the connector that selects it."],
    fix: [
      'Enable the certificate for SMTP on every server that uses it (`Enable-ExchangeCertificate -Thumbprint … -Services SMTP`, Exchange Management Shell; answer No to replacing the default transport certificate).',
    ],
    references: ['kb4051498', 'kb2989382', 'lalit'],
  },
  'certificate-expiring-soon': {
    model: ['M2', 'M3', 'M8'],
    whenItFires: {
      configuration:
        'A certificate a hybrid or relay route depends on — presented by a send connector or gateway route to Exchange Online, matched by an inbound connector, or offered by the receive connector Exchange Online lands on — expires within 60 days of the moment judged. Within 14 days it is an error (the project\'s threshold).',
    },
    evidence: ['The certificate (subject, NotAfter) and every route or connector that uses it.'],
    fix: [
      'Renew it with the same names (certificate authority), import it on every server that uses it and enable it for SMTP (`Import-ExchangeCertificate`, `Enable-ExchangeCertificate -Services SMTP`, Exchange Management Shell).',
      'Point the send and receive connectors at the new certificate (`Set-SendConnector`/`Set-ReceiveConnector -TlsCertificateName`), then run the Hybrid Configuration Wizard again.',
    ],
    references: ['healthCheckerCloudConnector', 'certificateRequirements', 'kb3212877'],
  },
};
