import type { NdrEntry } from './ndr.js';
import { refs } from './ndr-catalog-references.js';
import { EMS, EXO, HCW, NETWORK, WINPS } from './ndr-catalog-where.js';

/**
 * NDR-CATALOG.md "Exchange Online → on premises": deferrals Exchange Online writes in its message
 * trace when it cannot deliver over an outbound connector. It retries 24 h, then the sender gets
 * 550 4.4.7 QUEUE.Expired. On-premises logs show nothing of them unless the session reached them.
 */
const TRACE_DEFER = ['message trace'];
const BY_EXO = 'Exchange Online, delivering over an outbound connector';
const FIRST_LOOK = {
  step: 'Get-OutboundConnector | fl Name,Enabled,SmartHosts,UseMXRecord,TlsSettings,TlsDomain,RecipientDomains,RouteAllMessagesViaOnPremises',
  where: EXO,
};
const RECEIVE_LOOK = {
  step: 'Get-ReceiveConnector | fl Identity,Bindings,RemoteIPRanges,AuthMechanism,PermissionGroups,TlsCertificateName,Fqdn,TlsDomainCapabilities',
  where: EMS,
};
const RECEIVE_TLS_FIX = {
  step: 'On every receiving server: Set-ReceiveConnector "<server>\\Default Frontend <server>" -TlsCertificateName "<I>…<S>…" -TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail',
  where: EMS,
};

export const EXO_TO_ONPREM_ENTRIES: readonly NdrEntry[] = [
  {
    id: '4.4.312-dns-query-failed',
    code: '4.4.312',
    text: '450 4.4.312 DNS query failed',
    meaning: 'Exchange Online could not resolve the outbound connector\'s smart host name; it retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['The smart host name does not resolve: wrong DNS host, expired domain, stale cache.'],
    fixes: [FIRST_LOOK, { step: 'Fix the DNS record, or the connector: Set-OutboundConnector "<connector>" -SmartHosts <resolvable name>', where: `DNS / ${EXO}` }],
    rules: ['exo-to-onprem-connection-fails'],
    references: refs('MFI'),
  },
  {
    id: '4.4.315-connection-timed-out',
    code: '4.4.315',
    text: '450 4.4.315 Connection timed out',
    meaning: 'Exchange Online reached no SMTP server at the smart host in time; it retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['The on-premises server is down, the smart host IP address is wrong, or the ISP/NAT changed.'],
    fixes: [FIRST_LOOK, { step: 'Check that the smart host\'s public address reaches an Exchange server on TCP 25 from the Exchange Online ranges', where: NETWORK }],
    rules: ['exo-to-onprem-connection-fails'],
    references: refs('MFI'),
  },
  {
    id: '4.4.316-connection-refused',
    code: '4.4.316',
    text: '450 4.4.316 Connection refused [Message=Socket error code 10061]',
    meaning: 'The smart host refused Exchange Online\'s TCP connection on port 25; it retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['A firewall does not allow the Exchange Online ranges (endpoint set ID 10) on TCP 25.', 'On premises was decommissioned while the outbound connector still routes to it.'],
    fixes: [
      { step: 'Allow the Exchange Online ranges (endpoint set ID 10) on TCP 25 to the smart host', where: NETWORK },
      { step: 'If on premises is gone: Set-OutboundConnector "<connector>" -Enabled $false and Set-AcceptedDomain <domain> -DomainType Authoritative', where: EXO },
    ],
    rules: ['exo-to-onprem-connection-fails'],
    references: refs('MFI', 'NDRLIST'),
  },
  {
    id: '4.4.317-starttls-required',
    code: '4.4.317',
    text: '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]',
    meaning: 'The outbound connector requires TLS, and the on-premises receive connector did not offer STARTTLS; Exchange Online retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: [
      'The receive connector\'s TlsCertificateName names a certificate that is not installed (renewal, issuer change) or whose chain is broken (event 12014).',
      'The receive connector\'s AuthMechanism lacks Tls.',
      'An SMTP-inspecting firewall strips STARTTLS from the EHLO reply.',
    ],
    fixes: [
      RECEIVE_LOOK,
      { step: 'Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP (answer No to overwriting the default certificate)', where: EMS },
      { step: '$c = Get-ExchangeCertificate -Thumbprint <t>; Set-ReceiveConnector "<server>\\Default Frontend <server>" -TlsCertificateName "<I>$($c.Issuer)<S>$($c.Subject)"', where: EMS },
      { step: 'Get-ChildItem Cert:\\LocalMachine\\My\\<t> | Test-Certificate', where: WINPS },
      { step: 'Or run "Update Secure Mail Certificate for Connectors"; and disable SMTP inspection on the firewall', where: HCW },
    ],
    rules: ['exo-to-onprem-starttls-unavailable'],
    references: refs('KB2989382', 'TLSBLOG25', 'STARTTLS'),
  },
  {
    id: '4.4.317-subject-mismatch',
    code: '4.4.317',
    text: '450 4.4.317 Cannot connect to remote server [Message=SubjectMismatch Expected Subject: <x>. Presented Subject: <y>. …]',
    meaning:
      'The outbound connector validates the domain (TlsSettings DomainValidation) and the certificate the landing receive connector presented does not carry the connector\'s TlsDomain; Exchange Online retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: [
      'A server\'s Default Frontend receive connector was never configured by the Hybrid Configuration Wizard and presents its self-signed CN=<server> certificate: deferrals are intermittent, per smart host.',
      'The outbound connector\'s TlsDomain does not match the name on the on-premises certificate.',
    ],
    fixes: [RECEIVE_LOOK, RECEIVE_TLS_FIX, { step: 'Or Set-OutboundConnector "<connector>" -TlsDomain <name on the certificate> (wildcards allowed)', where: EXO }],
    rules: ['exo-to-onprem-tls-validation-fails'],
    references: refs('CHALLENGE', 'TLSBLOG25'),
  },
  {
    id: '4.4.317-untrusted-root',
    code: '4.4.317',
    text: '450 4.4.317 Cannot connect to remote server [Message=UntrustedRoot]',
    meaning: 'Exchange Online could not build a trusted chain for the on-premises certificate; it retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['The receiving server sent the leaf certificate without its intermediates; Exchange Online does not fetch them.'],
    fixes: [{ step: 'Install the intermediates on the on-premises server: Import-Certificate -FilePath <ca.cer> -CertStoreLocation Cert:\\LocalMachine\\CA', where: WINPS }],
    rules: ['exo-to-onprem-tls-validation-fails'],
    references: refs('UNTRUSTED'),
  },
  {
    id: '4.4.317-cannot-connect',
    code: '4.4.317',
    text: '450 4.4.317 Cannot connect to remote server [Message=<reason>]',
    meaning:
      'Exchange Online connected to the smart host but could not hand the message over; the quoted [Message=…] says why (STARTTLS missing, certificate validation). It retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['The inner reason decides: 451 5.7.3 STARTTLS is required (no STARTTLS offered), SubjectMismatch or UntrustedRoot (certificate validation), or another failure of the session.'],
    fixes: [FIRST_LOOK, RECEIVE_LOOK],
    rules: ['exo-to-onprem-connection-fails'],
    references: refs('MFI', 'NDRLIST'),
  },
  {
    id: '4.4.318-connection-closed',
    code: '4.4.318',
    text: '450 4.4.318 Connection was closed abruptly',
    meaning: 'The session to the smart host broke off; Exchange Online retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: ['SMTP packet inspection on a firewall, a hung transport service on premises, or the network.'],
    fixes: [
      { step: 'Disable SMTP inspection for the Exchange Online ranges', where: NETWORK },
      { step: 'Check the transport service (Get-Service MSExchangeFrontEndTransport, MSExchangeTransport) and the receive protocol log', where: EMS },
    ],
    rules: ['exo-to-onprem-connection-fails'],
    references: refs('MFI'),
  },
  {
    id: '4.7.320-certificate-validation-failed',
    code: '4.7.320',
    text: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]',
    meaning: 'Exchange Online could not validate the on-premises server\'s certificate (subject mismatch, expired or invalid); it retries for 24 hours.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: [
      'SubjectMismatch: the certificate the landing receive connector presents does not carry the outbound connector\'s TlsDomain (often a second server presenting its self-signed CN=<server>).',
      'The certificate is expired or no longer valid.',
    ],
    fixes: [
      RECEIVE_TLS_FIX,
      { step: 'Or Set-OutboundConnector "<connector>" -TlsDomain <name on the certificate>', where: EXO },
      { step: 'Expired: renew the certificate, Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP, and update TlsCertificateName', where: EMS },
    ],
    rules: ['exo-to-onprem-tls-validation-fails'],
    references: refs('MFI', 'CHALLENGE', 'TLSBLOG25'),
  },
  {
    id: '5.7.3-starttls-required-exo-deferral',
    code: '5.7.3',
    text: '[Message=451 5.7.3 STARTTLS is required to send mail]',
    meaning:
      'Quoted inside an Exchange Online deferral (4.4.317): Exchange Online requires TLS towards the on-premises server and the server offered no STARTTLS.',
    appearsIn: TRACE_DEFER,
    generatedBy: BY_EXO,
    outcome: 'deferred',
    causes: [
      'The receive connector\'s TlsCertificateName names a certificate that is not installed or whose chain is broken, or AuthMechanism lacks Tls.',
      'An SMTP-inspecting firewall strips STARTTLS.',
    ],
    fixes: [
      RECEIVE_LOOK,
      { step: 'Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP (answer No to overwriting the default certificate)', where: EMS },
    ],
    rules: ['exo-to-onprem-starttls-unavailable'],
    references: refs('KB2989382', 'TLSBLOG25'),
  },
];
