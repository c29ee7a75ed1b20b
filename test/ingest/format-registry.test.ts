import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../src/ingest/load-case.js';
import { detectionSample } from '../../src/ingest/registry/detection-sample.js';
import { detectFormat, FORMATS } from '../../src/ingest/registry/formats.js';

// Issue 13 item 1 and "How it must behave": one format registry, and every fixture and example
// is read as the same kind as before it. KINDS_BEFORE was built by loading each file on its own
// with the two detection systems the registry replaced (detect.ts + EVIDENCE_READERS), before
// any change; a file whose kind changes here is read by another reader than before.
const KINDS_BEFORE: [string, string][] = [
  ['test/fixtures/certificate/not-a-certificate.cer', 'certificate'],
  ['test/fixtures/endpoints/ps51-wrapped.json', 'm365-endpoints'],
  ['test/fixtures/endpoints/sharepoint-only.json', 'm365-endpoints'],
  ['test/fixtures/endpoints/worldwide/endpoints-version.json', 'm365-endpoints-version'],
  ['test/fixtures/endpoints/worldwide/endpoints-worldwide.json', 'm365-endpoints'],
  ['test/fixtures/exchange-log/hub-send-certificate.log', 'protocol-log'],
  ['test/fixtures/exchange-log/malformed-receive.log', 'protocol-log'],
  ['test/fixtures/exchange-log/masked-starttls-receive.log', 'protocol-log'],
  ['test/fixtures/exchange-log/masked-starttls-send.log', 'protocol-log'],
  ['test/fixtures/exchange-log/msgtrk-2019.log', 'tracking-log'],
  ['test/fixtures/exchange-log/s2-send-no-certificate.log', 'protocol-log'],
  ['test/fixtures/exchange-log/s42-nat-receive.log', 'protocol-log'],
  ['test/fixtures/exchange-log/send-out-of-date-4.7.230.log', 'protocol-log'],
  ['test/fixtures/exchange-log/send-smtp-client-5.7.57.log', 'protocol-log'],
  ['test/fixtures/exchange-log/send-tls-nocredentials.log', 'protocol-log'],
  ['test/fixtures/exchange-log/tls10-edge-receive.log', 'protocol-log'],
  ['test/fixtures/exchange-log/utf16le-masked-starttls-receive.log', 'protocol-log'],
  ['test/fixtures/exchange-log/utf32-receive.log', 'protocol-log'],
  ['test/fixtures/headers/cross-premises-anonymous-gateway.eml', 'headers'],
  ['test/fixtures/headers/cross-premises-anonymous-gateway.msg', 'headers'],
  ['test/fixtures/headers/cross-premises-internal.eml', 'headers'],
  ['test/fixtures/headers/empty.eml', 'empty-export'],
  ['test/fixtures/headers/garbage.bin', 'unknown'],
  ['test/fixtures/headers/internet-inbound.eml', 'headers'],
  ['test/fixtures/headers/not-headers.csv', 'unknown'],
  ['test/fixtures/headers/outbound-hybrid-to-internet.eml', 'headers'],
  ['test/fixtures/headers/pasted-outlook-lost-folding.txt', 'headers'],
  ['test/fixtures/headers/pasted-owa-indented.txt', 'headers'],
  ['test/fixtures/headers/plain-notes.txt', 'unknown'],
  ['test/fixtures/headers/three-messages.mbox', 'headers'],
  ['test/fixtures/headers/tls10-exo-to-exchange2010.eml', 'headers'],
  ['test/fixtures/ndr/dbeb-5.4.1.eml', 'ndr'],
  ['test/fixtures/ndr/direct-send-5.7.68.eml', 'ndr'],
  ['test/fixtures/ndr/expired-4.4.7.eml', 'ndr'],
  ['test/fixtures/ndr/loop-5.4.14-attr34.eml', 'ndr'],
  ['test/fixtures/ndr-catalog/NDR-CATALOG.md', 'unknown'],
  ['test/fixtures/pcap/keylog/malformed.keylog', 'unknown'],
  ['test/fixtures/pcap/keylog/rfc8448-1rtt.json', 'unknown'],
  ['test/fixtures/pcap/keylog/rfc8448-1rtt.keylog', 'unknown'],
  ['test/fixtures/pcap/real/README.md', 'unknown'],
  ['test/fixtures/pcap/real/all-dsb.pcapng', 'capture'],
  ['test/fixtures/pcap/real/all-nano.keys', 'unknown'],
  ['test/fixtures/pcap/real/all-nano.pcap', 'capture'],
  ['test/fixtures/pcap/real/implicit-tls13-keylog.keys', 'unknown'],
  ['test/fixtures/pcap/real/implicit-tls13-keylog.pcap', 'capture'],
  ['test/fixtures/pcap/real/manifest.json', 'unknown'],
  ['test/fixtures/pcap/real/plain.pcap', 'capture'],
  ['test/fixtures/pcap/real/rejected-recipient.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls12-client-cert.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls12-keylog.keys', 'unknown'],
  ['test/fixtures/pcap/real/tls12-keylog.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls12-no-client-cert.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls12-untrusted-client-cert.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls13-keylog-no-client-cert.keys', 'unknown'],
  ['test/fixtures/pcap/real/tls13-keylog-no-client-cert.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls13-keylog.keys', 'unknown'],
  ['test/fixtures/pcap/real/tls13-keylog.pcap', 'capture'],
  ['test/fixtures/pcap/real/tls13-no-keys.pcap', 'capture'],
  ['test/fixtures/pcap/s2-exchange-online-no-client-certificate.pcapng', 'capture'],
  ['test/fixtures/pcap/smtp-plain.pcap', 'capture'],
  ['test/fixtures/pcap/starttls-masked.pcap', 'capture'],
  ['test/fixtures/pcap/tls12-empty-client-certificate.pcapng', 'capture'],
  ['test/fixtures/pcap/tls13-client-certificate.keys', 'unknown'],
  ['test/fixtures/pcap/tls13-client-certificate.pcap', 'capture'],
  ['test/fixtures/powershell/clixml/.gitattributes', 'unknown'],
  ['test/fixtures/powershell/clixml/get-exchangecertificate.xml', 'powershell-clixml'],
  ['test/fixtures/powershell/clixml/get-inboundconnector-utf16.xml', 'powershell-clixml'],
  ['test/fixtures/powershell/clixml/get-sendconnector-snapin.xml', 'powershell-clixml'],
  ['test/fixtures/powershell/clixml/get-sendconnector-truncated.xml', 'powershell-clixml'],
  ['test/fixtures/powershell/clixml/get-sendconnector.xml', 'powershell-clixml'],
  ['test/fixtures/powershell/encoding/accepted-domains-utf16be.json', 'powershell-json'],
  ['test/fixtures/powershell/encoding/accepted-domains-utf8bom.json', 'powershell-json'],
  ['test/fixtures/powershell/exchange2010-case/accepted-domains.json', 'powershell-json'],
  ['test/fixtures/powershell/exchange2010-case/servers.json', 'powershell-json'],
  ['test/fixtures/powershell/exchange2010-case/topology.yaml', 'topology'],
  ['test/fixtures/powershell/exchangeserver/get-exchangeserver.json', 'powershell-json'],
  ['test/fixtures/powershell/hybridconfiguration/get-hybridconfiguration.json', 'powershell-json'],
  ['test/fixtures/powershell/organizationconfig/get-organizationconfig-exo.json', 'powershell-json'],
  ['test/fixtures/powershell/receiveconnector/get-receiveconnector.json', 'powershell-json'],
  ['test/fixtures/powershell/remotedomain/get-remotedomain-exo.json', 'powershell-json'],
  ['test/fixtures/powershell/remotedomain/get-remotedomain-onprem.json', 'powershell-json'],
  ['test/fixtures/powershell/transportservice/get-transportservice.json', 'powershell-json'],
  ['test/fixtures/queue/get-message-4.4.0.json', 'queue'],
  ['test/fixtures/queue/get-queue-4.7.5.csv', 'queue'],
  ['test/fixtures/rules/gateway-centralized.yaml', 'topology'],
  ['test/fixtures/rules/onprem-relay.yaml', 'topology'],
  ['test/fixtures/rules/provider-wildcard.yaml', 'topology'],
  ['test/fixtures/topology/bad-syntax.yaml', 'topology'],
  ['test/fixtures/topology/contoso.yaml', 'topology'],
  ['test/fixtures/topology/fabrikam.json', 'topology'],
  ['test/fixtures/topology/merge/a.yaml', 'topology'],
  ['test/fixtures/topology/merge/b.yaml', 'topology'],
  ['test/fixtures/topology/references.yaml', 'topology'],
  ['test/fixtures/topology/unclosed-list.yaml', 'topology'],
  ['test/fixtures/topology/with-readme/README.txt', 'unknown'],
  ['test/fixtures/topology/with-readme/topology.yaml', 'topology'],
  ['test/fixtures/topology/wrong-types.yaml', 'topology'],
  ['test/fixtures/trace/eac-summary.csv', 'message-trace'],
  ['test/fixtures/trace/enhanced-summary.csv', 'message-trace'],
  ['test/fixtures/trace/extended-defer-exo-onprem.csv', 'message-trace'],
  ['test/fixtures/trace/generate-defer.mjs', 'unknown'],
  ['test/fixtures/trace/generate-s1.mjs', 'unknown'],
  ['test/fixtures/trace/get-messagetrace-de-usculture.csv', 'message-trace'],
  ['test/fixtures/trace/get-messagetrace-ps51.csv', 'message-trace'],
  ['test/fixtures/trace/get-messagetrace-ps51.json', 'message-trace'],
  ['test/fixtures/trace/get-messagetracedetail.csv', 'message-trace'],
  ['test/fixtures/trace/get-messagetracedetailv2-ps7.json', 'message-trace'],
  ['test/fixtures/trace/get-messagetracev2-ps7.json', 'message-trace'],
  ['test/fixtures/trace/get-messagetracev2.csv', 'message-trace'],
  ['test/fixtures/trace/malformed-extended.csv', 'message-trace'],
  ['test/fixtures/trace/malformed-messagetrace.json', 'message-trace'],
  ['test/fixtures/trace/s1-extended-report.csv', 'message-trace'],
  ['examples/clean-hybrid/topology.yaml', 'topology'],
  ['examples/dbeb-unsynced-recipient/topology.yaml', 'topology'],
  ['examples/direct-send-rejected/topology.yaml', 'topology'],
  ['examples/exo-onprem-subject-mismatch/topology.yaml', 'topology'],
  ['examples/hybrid-trust-disabled/topology.yaml', 'topology'],
  ['examples/onprem-server-out-of-date/topology.yaml', 'topology'],
  ['examples/partner-lockdown-hybrid/topology.yaml', 'topology'],
  ['examples/routing-loop/topology.yaml', 'topology'],
  ['examples/s1-provider-wildcard/topology.yaml', 'topology'],
  ['examples/s1-provider-wildcard-fixed/topology.yaml', 'topology'],
  ['examples/s2-cert-connector-after/topology.yaml', 'topology'],
  ['examples/s2-cert-connector-before/topology.yaml', 'topology'],
  ['examples/s3-shared-certificate/topology.yaml', 'topology'],
  ['examples/s3-shared-certificate-fixed/topology.yaml', 'topology'],
  ['examples/s3-shared-ip/topology.yaml', 'topology'],
];

async function kindOf(file: string): Promise<string> {
  const { case: c } = await loadCase([file]);
  return c.inputs.find((i) => i.file === file)?.kind ?? '(none)';
}

describe('the format registry reads every fixture and example as the same kind as before', () => {
  it('all ' + KINDS_BEFORE.length + ' files', async () => {
    const now: [string, string][] = [];
    for (const [file] of KINDS_BEFORE) now.push([file, await kindOf(file)]);
    expect(now).toEqual(KINDS_BEFORE);
  });
});

/** Synthetic shapes the fixtures lack, with the kind the replaced detection gave each (the gateway log aside). */
const SHAPES: [string, string, string][] = [
  ['broken.cer', 'not a cert\n', 'certificate'],
  ['empty.cer', '', 'certificate'],
  ['emptyjson.cer', '[]', 'certificate'],
  ['format-list.txt', 'Name     : Inbound\r\nEnabled  : True\r\nIdentity : Inbound\r\nConnectorType : Partner\r\n', 'powershell-formatted'],
  ['inbound.csv', '#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector\r\n"PSComputerName","Identity","Name","Enabled"\r\n"outlook.office365.com","In","In","True"\r\n', 'powershell-csv'],
  // Get-MessageTraceV2 | Export-Csv through a remote session: PSComputerName makes it look like a
  // configuration export too; the trace reader is the more confident and reads it (once).
  ['ps-trace.csv', '"PSComputerName","RunspaceId","PSShowComputerName","Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"\r\n"outlook.office365.com","x","False","2025-07-14 02:13:02","a@fabrikam.com","b@contoso.com","s","Delivered","","203.0.113.5","1","<a@b>","0a1b2c3d-0000-4aaa-9bbb-08dd5c0ffee5"\r\n', 'message-trace'],
  ['eac.csv', 'Date (UTC),Sender,Recipient,Subject,Status\r\n2025-03-04T09:15:02Z,bob@fabrikam.com,ann@contoso.com,Hi,Delivered\r\n', 'message-trace'],
];

const GATEWAY_LOG = 'Date,From,To,Subject,Status,Bytes,Gateway Node\r\n2026-12-01 10:00,a@contoso.com,b@fabrikam.com,Hi,Sent,1234,gw1\r\n';

describe('one loop: detect with every format, take the most confident, read once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-registry-'));
  it.each(SHAPES)('%s: %s', async (name, text, kind) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    expect(await kindOf(file)).toBe(kind);
  });

  it('a PowerShell-exported trace is claimed by the export detector and the trace detector; the trace wins', () => {
    const [, text] = SHAPES.find(([n]) => n === 'ps-trace.csv')!;
    const sample = detectionSample(Buffer.from(text!));
    const claims = FORMATS.filter((f) => f.detect(sample) > 0).map((f) => f.name);
    expect(claims).toEqual(['message-trace', 'powershell-csv']);
    expect(detectFormat(sample)).toMatchObject({ kind: 'evidence', name: 'message-trace' });
  });

  it('every detector answers within 0..1, and nothing for text no format knows', () => {
    const samples = [Buffer.from(GATEWAY_LOG), Buffer.from('hello\n'), Buffer.alloc(0), Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0])];
    for (const b of samples) {
      for (const f of FORMATS) {
        const c = f.detect(detectionSample(b, b.length, 'x.txt'));
        expect(c, f.name).toBeGreaterThanOrEqual(0);
        expect(c, f.name).toBeLessThanOrEqual(1);
      }
    }
    expect(detectFormat(detectionSample(Buffer.from('hello\n')))).toBeNull();
  });

  it('format names are unique (each is the inputs[].kind a file is reported as)', () => {
    expect(new Set(FORMATS.map((f) => f.name)).size).toBe(FORMATS.length);
  });
});

// Issue 13 items 2 and 6: a third-party gateway's CSV log is no message trace (it was read as one,
// 1 record, no diagnostic); it gets the one unknown-file message, the path once.
describe('a CSV log with a header nobody documented', () => {
  it('is reported unknown, saying what it looks like and what was tried', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-gateway-'));
    const file = join(dir, 'gateway-log.csv');
    writeFileSync(file, GATEWAY_LOG);
    const { case: c, fatal } = await loadCase([file]);
    expect(c.inputs).toHaveLength(1);
    expect(c.inputs[0]).toMatchObject({ kind: 'unknown', records: 0 });
    expect(c.inputs[0]!.diagnostics).toHaveLength(1);
    const [d] = c.inputs[0]!.diagnostics;
    expect(d!.severity).toBe('warning');
    expect(d!.location).toBe(file);
    expect(d!.message).toContain('a CSV with columns Date, From, To, Subject, Status, Bytes, Gateway Node — not an Exchange export or message trace');
    expect(d!.message).toContain('a message trace');
    expect(d!.message).not.toContain(file);
    expect(fatal).toContain(file);
  });
});
