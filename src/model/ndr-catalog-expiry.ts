import type { NdrEntry } from './ndr.js';
import { refs } from './ndr-catalog-references.js';
import { DESTINATION, EMS, EXO } from './ndr-catalog-where.js';

/**
 * NDR-CATALOG.md "Exchange Online outbound TLS policies (DANE, MTA-STS)" and "Message expiry".
 */
const DANE = [
  ['321', 'starttls-not-supported', 'the destination did not offer STARTTLS although its TLSA records require TLS'],
  ['322', 'certificate-expired', 'the destination\'s certificate has expired'],
  ['323', 'tlsa-invalid', 'the destination\'s TLSA records do not match its certificate or are malformed'],
  ['324', 'dnssec-invalid', 'the destination\'s DNSSEC validation failed'],
  ['325', 'certificate-host-mismatch', 'the destination\'s certificate does not carry the MX host name'],
] as const;

const DANE_ENTRIES: NdrEntry[] = DANE.map(([minor, name, why]) => ({
  id: `x.7.${minor}-dane-${name}`,
  code: `4.7.${minor} / 5.7.${minor}`,
  text: `4.7.${minor} ${name}… (5.7.${minor} when final)`,
  meaning: `Exchange Online's outbound SMTP DANE check failed at the destination: ${why}. 4.7.${minor} is retried; 5.7.${minor} is final.`,
  appearsIn: ['message trace', 'NDR'],
  generatedBy: 'Exchange Online, delivering outbound (SMTP DANE)',
  outcome: 'deferred',
  causes: [`At the destination: ${why}.`],
  fixes: [
    { step: 'Fix the destination\'s TLSA/DNSSEC records or certificate', where: DESTINATION },
    { step: 'Per connector: Set-OutboundConnector "<connector>" -SmtpDaneMode Opportunistic|Mandatory|None', where: EXO },
  ],
  rules: ['trace-dane-mtasts-failure'],
  references: refs('NDRLIST', 'NOC', 'MODES'),
}));

export const EXPIRY_ENTRIES: readonly NdrEntry[] = [
  ...DANE_ENTRIES,
  {
    id: 'mta-sts-enforce-failure',
    code: '(MTA-STS)',
    text: '(no code documented: queued 24 h, then dropped)',
    meaning: 'The destination publishes an MTA-STS policy in enforce mode and validation failed: Exchange Online queues 24 hours and then drops the message.',
    appearsIn: ['message trace'],
    generatedBy: 'Exchange Online, delivering outbound (MTA-STS)',
    outcome: 'dropped',
    causes: [
      'The destination\'s MTA-STS policy does not cover its MX, or its certificate does not validate.',
      'For smart-host connectors, reportedly validated against the smart host\'s domain (not re-confirmed).',
    ],
    fixes: [
      { step: 'Fix the destination\'s MTA-STS policy or certificate', where: DESTINATION },
      { step: 'Per connector: Set-OutboundConnector "<connector>" -MtaStsMode Opportunistic|None', where: EXO },
    ],
    rules: ['trace-dane-mtasts-failure'],
    references: refs('NOC', 'MODES'),
  },
  {
    id: '4.4.7-queue-expired',
    code: '4.4.7',
    text: '550 4.4.7 QUEUE.Expired; message expired',
    meaning:
      'The NDR of a deferral: the message could not be delivered before it expired (Exchange Online after 24 hours; Exchange Server after MessageExpirationTimeout, default 2 days). The root cause is the last deferral.',
    appearsIn: ['NDR', 'message trace'],
    generatedBy: 'Exchange Online (after 24 h) or Exchange Server (after MessageExpirationTimeout)',
    outcome: 'rejected',
    causes: ['The last deferral text says why: the trace\'s LED= value, or the queue\'s LastError (e.g. 4.4.316, 4.4.317, 4.7.320, 4.7.5).'],
    fixes: [
      { step: 'Read the last deferral in the message trace details (LED=) and explain that text', where: EXO },
      { step: 'Get-Queue | fl Identity,NextHopDomain,LastError; Get-TransportService | fl MessageExpirationTimeout', where: EMS },
    ],
    rules: ['trace-message-expired'],
    references: refs('447', 'STS'),
  },
  {
    id: '5.4.300-message-expired',
    code: '5.4.300',
    text: '550 5.4.300 Message expired',
    meaning: 'The NDR of a deferral that lasted until the message expired. The root cause is the last deferral.',
    appearsIn: ['NDR', 'message trace'],
    generatedBy: 'Exchange Online or Exchange Server',
    outcome: 'rejected',
    causes: ['The last deferral text says why (the trace\'s LED= value, or the queue\'s LastError).'],
    fixes: [
      { step: 'Read the last deferral in the message trace details (LED=) and explain that text', where: EXO },
      { step: 'Get-Queue | fl Identity,NextHopDomain,LastError', where: EMS },
    ],
    rules: ['trace-message-expired'],
    references: refs('447', 'STS'),
  },
  {
    id: '4.7.0-proxy-session-setup-failed',
    code: '4.7.0',
    text: "450 4.7.0 Proxy session setup failed on Frontend with '451 4.4.0 Primary target IP address responded with …'",
    meaning: 'The front-end transport could not set up the proxy session to the next hop; the quoted reply names the last endpoint tried. Mail is retried.',
    appearsIn: ['queue', 'NDR'],
    generatedBy: 'Exchange Server (front-end transport)',
    outcome: 'deferred',
    causes: ['The quoted 451 4.4.0 reply says why the last endpoint failed (network, TLS with the sender\'s certificate).'],
    fixes: [{ step: 'Get-Queue | fl Identity,NextHopDomain,LastError; read the send protocol log of the front-end transport', where: EMS }],
    rules: [],
    references: refs('447'),
  },
];
