import { closeSync, openSync, writeSync } from 'node:fs';
import { createRng } from './prng.mjs';

/**
 * A historical search extended report (Start-HistoricalSearch -ReportType MessageTraceDetail) of
 * `targetBytes` bytes as Exchange Online writes it (FORMATS.md 1d): UTF-16LE with a BOM, the 27
 * columns, every field quoted, CRLF, custom_data on every row, a subject with a line break or a
 * doubled quote now and then. Each message has RECEIVE, AGENTINFO and SEND or DELIVER rows (FAIL
 * for some); 40 % come in through one of five OnPremises/Partner connectors. Seeded: the same
 * size gives the same file.
 */
export const EXTENDED_COLUMNS = ['date_time_utc', 'client_ip', 'client_hostname', 'server_ip', 'server_hostname', 'source_context', 'connector_id', 'source', 'event_id', 'internal_message_id', 'message_id', 'network_message_id', 'recipient_address', 'recipient_status', 'total_bytes', 'recipient_count', 'related_recipient_address', 'reference', 'message_subject', 'sender_address', 'return_path', 'message_info', 'directionality', 'tenant_id', 'original_client_ip', 'original_server_ip', 'custom_data'];

export function writeExtendedReport(file, targetBytes, seed = 7) {
  const random = createRng(seed).next;
  const pick = (list) => list[Math.floor(random() * list.length)];
  const domains = Array.from({ length: 200 }, (_, i) => `customer${i}.example.com`);
  const connectors = ['Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', 'Inbound from on-premises', 'Partner Fabrikam', 'Partner Contoso relay', 'Inbound from site B'];
  const tenants = ['7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10', '0b5f2a1c-1111-4aaa-9bbb-08dd00c0ffee', '0b5f2a1c-2222-4aaa-9bbb-08dd00c0ffee'];
  const hub = 'AM0PR03MB6123.eurprd03.prod.outlook.com';
  const q = (v) => `"${v}"`;
  const row = (cells) => cells.map(q).join(',') + '\r\n';
  const fd = openSync(file, 'w');
  writeSync(fd, Buffer.from([0xff, 0xfe]));
  writeSync(fd, Buffer.from(row(EXTENDED_COLUMNS), 'utf16le'));
  let bytes = 2;
  let messages = 0;
  let rows = 0;
  const start = Date.UTC(2026, 10, 10);
  let batch = [];
  let batchChars = 0;
  const flush = () => {
    const b = Buffer.from(batch.join(''), 'utf16le');
    writeSync(fd, b);
    bytes += b.length;
    batch = [];
    batchChars = 0;
  };
  while (bytes + batchChars * 2 < targetBytes) {
    const n = messages++;
    const at = start + Math.floor((n * 864_000_000) / Math.max(1, targetBytes / 7800)) + Math.floor(random() * 5000);
    const t = (ms) => new Date(ms).toISOString().replace('Z', '0000Z');
    const domain = pick(domains);
    const sender = `user${n % 977}@${domain}`;
    const recipient = `r${n % 331}@${pick(['contoso.com', 'fabrikam.com', 'northwindtraders.com'])}`;
    const nmid = `3c2b1a00-${(n >>> 16).toString(16).padStart(4, '0')}-4aaa-9bbb-${n.toString(16).padStart(12, '0')}`;
    const mid = `<${n.toString(36)}.${domain}@mail.example.net>`;
    const tenant = pick(tenants);
    const viaConnector = random() < 0.4;
    const connector = pick(connectors);
    const ip = `203.0.113.${n % 250}`;
    const subject = n % 97 === 0 ? `Line one\r\nline two ${n}` : n % 89 === 0 ? `Re: ""Quoted"" ${n}` : `Order ${n} status update for week ${n % 52}`;
    const size = String(2000 + (n % 90000));
    const info = `${t(at).slice(0, 23)}Z;SRV=HE1EUR01FT049.mail.protection.outlook.com:TOTAL-FE=0.112|SMR=0.030|SMS=0.001;SRV=${hub}:TOTAL-HUB=0.204|SMRDE=0.004|CCR/CCI=0.011|SMEXT=0.050|SMSC=0.021|SMSE=0.032`;
    const custom = [
      'S:ProxyHop1=HE1EUR01FT049.mail.protection.outlook.com(10.152.0.221)',
      'S:ProxyHop2=AM0PR03CA0012.outlook.office365.com(2603:10a6:208:fa::40)',
      viaConnector ? `S:InboundConnectorData=Name=${connector};ConnectorType=${connector.startsWith('Partner') ? 'Partner' : 'OnPremises'};TenantId=${tenant}` : null,
      'S:InboundTlsDetails=TLS=SP_PROT_TLS1_2_SERVER;Cipher=CALG_AES_256;CipherStrength=256',
      `S:CorrelationId=d9ac6a10-8de9-4308-4205-${n.toString(16).padStart(12, '0')}`,
      'S:MimeParts=Att/Emb/MPt:0/0/1;S:MessageValue=MediumHigh',
      `S:FirstForestHop=${hub}`,
      `S:FromEntity=${viaConnector ? 'HybridOnPrem' : 'Internet'}`,
      viaConnector ? `S:Oorg=${domain}` : null,
      `S:ProxiedClientIPAddress=${ip};S:ProxiedClientHostname=mx${n % 7}.${domain}`,
      'S:DeliveryPriority=Normal;S:AccountForest=EURPR03A001.PROD.OUTLOOK.COM',
    ].filter(Boolean).join(';');
    const base = (time, event, source, status, data, server = hub) => [t(time), '2603:10a6:208:fa::40', 'AM0PR03CA0012.outlook.office365.com', '2603:10a6:20b:4e::17', server, `08DD0A4E0A1E2B3C;${t(time).slice(0, 23)}Z;ClientSubmitTime:`, 'AM0PR03MB6123\\Default AM0PR03MB6123', source, event, String(41230 + n), mid, nmid, recipient, status, size, '1', '', '', subject, sender, sender, info, viaConnector ? 'Originating' : 'Incoming', tenant, ip, '', data];
    const text =
      row(base(at, 'RECEIVE', 'SMTP', '', custom)) +
      row(base(at + 900, 'AGENTINFO', 'AGENT', '', `S:SFA=SUM|SFV=NSPM|IPV=CAL|SRV=|SFS=|SCL=1|SCORE=-1|LIST=0|DI=SN|RD=mx.${domain}|H=mx.${domain}|CIP=${ip}|SFP=1501|ASF=|CTRY=DE|CLTCTRY=|LANG=de|LAT=0|LAT=0|LAT=0;S:DPA=D|ex=;S:CompCost=|ETR=0;S:DeliveryPriority=Normal`)) +
      (n % 53 === 0
        ? row(base(at + 2100, 'FAIL', 'ROUTING', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'S:DeliveryPriority=Normal'))
        : row(base(at + 2100, viaConnector ? 'SEND' : 'DELIVER', viaConnector ? 'SMTP' : 'STOREDRIVER', `250 2.6.0 ${mid} [InternalId=${41230 + n}] Queued mail for delivery`, 'S:E2ELatency=2.1;S:ExternalSendLatency=0.8;S:IncludeInSla=True;S:MailboxDatabaseGuid=0e1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b;S:ActivityId=5f6e7d8c-0000-4000-8000-000000000000')));
    rows += 3;
    batch.push(text);
    batchChars += text.length;
    if (batchChars > 4_000_000) flush();
  }
  flush();
  closeSync(fd);
  return { bytes, messages, rows };
}
