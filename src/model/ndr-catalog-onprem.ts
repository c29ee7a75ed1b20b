import type { NdrEntry } from './ndr.js';
import { refs } from './ndr-catalog-references.js';
import { EMS, EXO, HCW, NETWORK } from './ndr-catalog-where.js';

/**
 * NDR-CATALOG.md "On-premises sender (send connector) errors" and "On-premises receiver: relay and
 * loops": what Exchange Server writes in its queue and logs, and what it answers as a receiver.
 */
const SEND_CONNECTOR_CERT_FIX = {
  step: '$c = Get-ExchangeCertificate -Thumbprint <t>; Set-SendConnector "<connector>" -TlsCertificateName "<I>$($c.Issuer)<S>$($c.Subject)" (with the renewed certificate imported on every source server)',
  where: EMS,
};

export const ONPREM_ENTRIES: readonly NdrEntry[] = [
  {
    id: '4.7.5-tls-certificate-not-found',
    code: '4.7.5',
    text: '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.',
    meaning: 'The on-premises server cannot start TLS on the send connector: no installed, valid certificate matches its TlsCertificateName. Mail queues.',
    appearsIn: ['queue', 'tracking log'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: [
      'No installed certificate with that issuer and subject — typically after a renewal with a new issuer name, or on a source server the certificate was never imported to.',
      'The matching certificate has Status Invalid or RevocationCheckFailure.',
    ],
    fixes: [
      { step: 'Get-SendConnector | fl Name,TlsCertificateName,SourceTransportServers; Get-ExchangeCertificate -Server <s> | fl Thumbprint,Issuer,Subject,NotAfter,Status,Services', where: EMS },
      SEND_CONNECTOR_CERT_FIX,
      { step: 'Or run "Update Secure Mail Certificate for Connectors"', where: HCW },
    ],
    rules: ['trace-onprem-send-tls-error', 'connector-stale-certificate-reference'],
    references: refs('KB3156771', 'LALIT', 'TLSBLOG25'),
  },
  {
    id: '4.7.5-certificate-validation-failure',
    code: '4.7.5',
    text: '454 4.7.5 Certificate validation failure (, reason: <x>)',
    meaning: 'The hybrid send connector validates Exchange Online\'s certificate (TlsAuthLevel CertificateValidation/DomainValidation) and the validation failed. Mail queues.',
    appearsIn: ['queue'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: [
      'A TlsDomain typo, or DomainValidation without TlsDomain (then compared with the recipient domain).',
      'The connector targets the wrong cloud instance.',
      'The server\'s root store lacks Exchange Online\'s root.',
    ],
    fixes: [
      { step: 'Set-SendConnector "Outbound to Office 365 - <GUID>" -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain mail.protection.outlook.com (GCC High/DoD: mail.protection.office365.us)', where: EMS },
      { step: 'With Edge Transport: Start-EdgeSynchronization', where: EMS },
    ],
    rules: ['trace-onprem-send-tls-error', 'onprem-to-exo-tls-validation-fails'],
    references: refs('PETERSEN', 'QA1556853', 'NSC', 'KB3212872'),
  },
  {
    id: 'tls-no-credentials',
    code: 'UnknownCredentials / NoCredentials',
    text: 'TLS negotiation failed with error UnknownCredentials (or NoCredentials)',
    meaning:
      'The on-premises sender could not use its certificate for TLS; the queue shows 451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out."',
    appearsIn: ['send protocol log', 'queue'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: ['The third-party certificate is not enabled for SMTP, or the transport service cannot read its private key.'],
    fixes: [
      { step: 'Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP (answer No to the default-certificate prompt)', where: EMS },
      { step: 'Grant the transport service (NETWORK SERVICE) read access to the private key', where: 'Certificates MMC on the Exchange server' },
    ],
    rules: ['trace-onprem-send-tls-error', 'certificate-not-enabled-for-smtp', 'certificate-no-private-key'],
    references: refs('KB4051498', 'LALIT'),
  },
  {
    id: '4.4.0-primary-target-responded',
    code: '4.4.0',
    text: '451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out."',
    meaning:
      'The on-premises sender\'s last attempt at the next hop failed; the quoted reply is the next hop\'s. Mail queues and is retried.',
    appearsIn: ['queue', 'tracking log'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: [
      'With "TLS negotiation failed with error UnknownCredentials" or "NoCredentials" in the send protocol log: the certificate is not enabled for SMTP or its private key is unreadable.',
      'Otherwise: the network path or the next hop (see the quoted reply).',
    ],
    fixes: [
      { step: 'Set-SendConnector "<connector>" -ProtocolLoggingLevel Verbose and read the send protocol log for "TLS negotiation failed"', where: EMS },
      { step: 'Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP when the log shows UnknownCredentials/NoCredentials', where: EMS },
    ],
    rules: [],
    references: refs('KB4051498', 'LALIT'),
  },
  {
    id: '4.4.1-connection-timed-out',
    code: '4.4.1',
    text: '421 4.4.1 Connection timed out.',
    meaning: 'The connection to the next hop timed out (Exchange Server\'s wording, often quoted inside 451 4.4.0).',
    appearsIn: ['queue', 'tracking log'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: ['The next hop did not answer in time, or TLS could not be started with the sender\'s certificate (see UnknownCredentials/NoCredentials).'],
    fixes: [{ step: 'Read the send protocol log of the connector for the failing session', where: EMS }],
    rules: [],
    references: refs('KB4051498'),
  },
  {
    id: '5.7.3-starttls-required-onprem-sender',
    code: '5.7.3',
    text: '451 5.7.3 STARTTLS is required to send mail',
    meaning:
      'Written by the on-premises sender (RequireTLS $true) in its queue: Exchange Online\'s STARTTLS did not reach the server.',
    appearsIn: ['queue'],
    generatedBy: 'Exchange Server (the sending server)',
    outcome: 'deferred',
    causes: ['SMTP inspection on a firewall masks STARTTLS (the EHLO reply shows XXXXXXXA or asterisks).'],
    fixes: [{ step: 'Disable SMTP inspection/fixup on the firewall between the server and Exchange Online', where: NETWORK }],
    rules: ['trace-onprem-send-tls-error'],
    references: refs('SEED004'),
  },
  {
    id: '5.7.3-must-issue-starttls',
    code: '5.7.3 / 5.7.0',
    text: '451 5.7.3 Must issue a STARTTLS command first (or 530 5.7.0)',
    meaning: 'The receiving connector has RequireTLS $true and the client did not start TLS.',
    appearsIn: ['queue', 'send protocol log'],
    generatedBy: 'a receiver with RequireTLS, at MAIL',
    outcome: 'deferred',
    causes: ['The sending side did not issue STARTTLS (not offered, masked by a firewall, or TLS disabled on the send connector).'],
    fixes: [
      { step: 'Get-SendConnector "<connector>" | fl RequireTLS,TlsAuthLevel,TlsCertificateName', where: EMS },
      { step: 'Disable SMTP inspection that masks STARTTLS', where: NETWORK },
    ],
    rules: ['trace-onprem-send-tls-error'],
    references: refs('SEED004'),
  },
  {
    id: '5.7.54-unable-to-relay-non-accepted',
    code: '5.7.54',
    text: '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain',
    meaning: 'An on-premises Exchange 2013+ receive connector refused to relay: the session is anonymous and the recipient is not in an accepted domain.',
    appearsIn: ['message trace', 'receive protocol log', 'NDR'],
    generatedBy: 'Exchange Server 2013 or later (the receiver), at RCPT',
    outcome: 'rejected',
    causes: [
      'Centralized mail transport: Exchange Online sends a cloud user\'s internet mail to on premises, and the receive connector it lands on treats the session as anonymous (no TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail, TLS not validated, or landed on a different connector).',
    ],
    fixes: [
      { step: 'Set-ReceiveConnector "<server>\\Default Frontend <server>" -TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail with a valid TlsCertificateName, or re-run the Hybrid Configuration Wizard', where: EMS },
      { step: 'Do not grant anonymous relay (Ms-Exch-SMTP-Accept-Any-Recipient) to a connector reachable from the internet', where: EMS },
    ],
    rules: ['cmt-inbound-relay-denied'],
    references: refs('5754', 'TR', 'TLSBLOG25'),
  },
  {
    id: '5.7.1-unable-to-relay',
    code: '5.7.1',
    text: '550 5.7.1 Unable to relay',
    meaning: 'A receiver (Exchange 2010 or another server) refused to relay for an anonymous session.',
    appearsIn: ['message trace', 'receive protocol log', 'NDR'],
    generatedBy: 'Exchange 2010 or another receiver, at RCPT',
    outcome: 'rejected',
    causes: [
      'Centralized mail transport: Exchange Online\'s mail lands on a connector that treats it as anonymous; Exchange 2010 "Inbound from Office 365" without the Exchange Online ranges or relay permission.',
    ],
    fixes: [
      { step: 'Set-ReceiveConnector "Inbound from Office 365" -RemoteIPRanges <EOP ranges>, and re-run the Hybrid Configuration Wizard', where: EMS },
      { step: 'Exchange 2013+: Set-ReceiveConnector "<server>\\Default Frontend <server>" -TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail', where: EMS },
    ],
    rules: ['cmt-inbound-relay-denied'],
    references: refs('NDRLIST', 'JESPER', 'TR'),
  },
  {
    id: '5.4.14-hop-count-attr34',
    code: '5.4.14',
    text: '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [<server>.eop-<region>.prod.protection.outlook.com]',
    meaning: 'Exchange Online returned the message after about 20 hops: it loops between systems.',
    appearsIn: ['NDR', 'message trace'],
    generatedBy: 'Exchange Online',
    outcome: 'rejected',
    causes: [
      'The hybrid outbound connector routes by MX while MX points to Exchange Online.',
      'Centralized mail transport with no OnPremises outbound connector, or one scoped to accepted domains.',
      'Accepted-domain types: InternalRelay on both sides for an address that exists nowhere.',
      'Edge: a subdomain that is not an accepted domain loops between Edge and Exchange Online.',
    ],
    fixes: [
      { step: 'Get-OutboundConnector | fl Name,ConnectorType,RecipientDomains,UseMXRecord,SmartHosts,RouteAllMessagesViaOnPremises', where: EXO },
      { step: 'Set-OutboundConnector "<hybrid connector>" -UseMXRecord $false -SmartHosts <on-premises FQDN>, or re-run the Hybrid Configuration Wizard', where: EXO },
      { step: 'Get-AcceptedDomain | fl DomainName,DomainType (on both sides)', where: `${EXO} / ${EMS}` },
      { step: 'Edge: New-AcceptedDomain -Name <sub> -DomainName <sub> -DomainType InternalRelay; Start-EdgeSynchronization', where: EMS },
    ],
    rules: ['routing-loop'],
    references: refs('NDRLIST', 'LOOPNDR', 'EDGELOOP'),
  },
  {
    id: '5.4.6-hop-count-exceeded',
    code: '5.4.6',
    text: '554 5.4.6 Hop count exceeded - possible mail loop',
    meaning: 'Exchange Server returned the message after about 20 hops: it loops between systems.',
    appearsIn: ['NDR'],
    generatedBy: 'Exchange Server',
    outcome: 'rejected',
    causes: [
      'Routing by MX towards Exchange Online while Exchange Online routes the domain back on premises.',
      'Accepted-domain types: InternalRelay on both sides for an address that exists nowhere.',
      'Edge: a subdomain that is not an accepted domain loops between Edge and Exchange Online.',
    ],
    fixes: [
      { step: 'Get-AcceptedDomain | fl DomainName,DomainType; Get-SendConnector | fl Name,AddressSpaces,SmartHosts,DNSRoutingEnabled', where: EMS },
      { step: 'Get-OutboundConnector | fl Name,ConnectorType,RecipientDomains,UseMXRecord,SmartHosts,RouteAllMessagesViaOnPremises', where: EXO },
      { step: 'Edge: New-AcceptedDomain -Name <sub> -DomainName <sub> -DomainType InternalRelay; Start-EdgeSynchronization', where: EMS },
    ],
    rules: ['routing-loop'],
    references: refs('NDRLIST', 'LOOPNDR', 'EDGELOOP'),
  },
];
