import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import { groupFindings, matchesRule, mergeEvidence } from '../../src/group-findings.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { buildJsonReport } from '../../src/report/report-json.js';
import type { Finding } from '../../src/rules/finding.js';
import { replyEventKey } from '../../src/rules/support/evidence-events.js';

/**
 * Issue "Advice you can trust", item 2: one root cause, one finding. The S2 fault (seed 002,
 * SCENARIOS S2) seen in the configuration, a capture and the send and tracking logs is one
 * finding led by the configuration rule, with one fix list and every rule id kept in `related`.
 */

const AT = new Date('2026-11-22T00:00:00Z');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function diagnoseFiles(...files: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-group-'));
  dirs.push(dir);
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  const loaded = await loadCase([dir]);
  expect(loaded.fatal).toBeNull();
  return diagnoseCase(loaded.case, { at: AT });
}

const S2_TOPOLOGY = 'examples/s2-cert-connector-after/topology.yaml';
const S2_SEND_LOG = 'test/fixtures/exchange-log/s2-send-no-certificate.log';
const S2_CAPTURE = 'test/fixtures/pcap/s2-exchange-online-no-client-certificate.pcapng';
const S2_TRACKING = 'test/fixtures/exchange-log/msgtrk-2019.log';

function finding(p: Partial<Finding> & Pick<Finding, 'rule' | 'subjects'>): Finding {
  return { severity: 'error', title: p.rule, message: `${p.rule} message`, evidence: [], fix: [], references: [], ...p };
}

describe('S2 with its capture and logs: one finding', () => {
  it('config, capture and 5.7.64 in the logs become one finding led by cert-connector-no-client-certificate, with its fix list', async () => {
    const d = await diagnoseFiles(S2_TOPOLOGY, S2_SEND_LOG, S2_CAPTURE, S2_TRACKING);
    const about = d.findings.filter((f) => f.subjects.some((s) => s.type === 'SendConnector' && s.name === 'Outbound via Office 365'));
    expect(about).toHaveLength(1);
    const f = about[0]!;
    expect(f.rule).toBe('cert-connector-no-client-certificate');
    expect(f.related).toEqual(expect.arrayContaining(['capture-no-client-certificate', 'tenant-attribution-rejected']));
    // Scripts that look for a rule id still find it: `rule` or `related`.
    for (const id of ['cert-connector-no-client-certificate', 'capture-no-client-certificate', 'tenant-attribution-rejected']) {
      expect(d.findings.filter((x) => matchesRule(x, id)), id).toHaveLength(1);
    }
    // One fix list: the configuration finding's. Its first command names the installed certificate by value (no placeholder).
    const commands = f.fix.map((s) => s.command).filter(Boolean);
    expect(commands[0]).toMatch(/^Set-SendConnector -Identity 'Outbound via Office 365' -(TlsCertificateName '<I>CN=DigiCert|Fqdn smtp\.contoso\.com)/);
    expect(commands.join('\n')).not.toContain('<I>issuer<S>subject');
    // Every piece of evidence is kept: the configuration, the capture and the send log.
    const sources = f.evidence.map((e) => e.source);
    expect(sources.some((s) => s.endsWith('topology.yaml:39') || /topology\.yaml:\d+$/.test(s))).toBe(true);
    expect(sources.some((s) => /s2-exchange-online-no-client-certificate\.pcapng:1$/.test(s))).toBe(true);
    expect(sources.some((s) => /s2-send-no-certificate\.log:\d+$/.test(s))).toBe(true);
    // The JSON keeps the related rule ids on the finding.
    expect(buildJsonReport(d).findings.find((x) => x.rule === 'cert-connector-no-client-certificate')!.related).toContain('tenant-attribution-rejected');
  });

  it('the 5.7.64 in the send protocol log and in the tracking log is one refusal, counted once', async () => {
    // s2-send-no-certificate.log:6 and msgtrk-2019.log:8 carry the same EOP answer
    // ([BN8NAM12FT053… 2026-11-20T09:00:00.262Z 08DE27F1A3C4B5D6]); the log holds two sessions, so two refusals.
    const d = await diagnoseFiles(S2_TOPOLOGY, S2_SEND_LOG, S2_TRACKING);
    const f = d.findings.find((x) => matchesRule(x, 'tenant-attribution-rejected'))!;
    expect(f.message).toMatch(/\b2 refused connections\b/);
    expect(f.message).not.toMatch(/\b3 refused/);
  });

  it('without the estate, the refusal seen in the capture joins the capture finding (same host), the certificate observation leading', async () => {
    const d = await diagnoseFiles(S2_SEND_LOG, S2_CAPTURE);
    const captured = d.findings.filter((x) => matchesRule(x, 'capture-no-client-certificate'));
    expect(captured).toHaveLength(1);
    expect(captured[0]!.rule).toBe('capture-no-client-certificate');
    expect(captured[0]!.related).toEqual(['tenant-attribution-rejected']);
    expect(captured[0]!.subjects).toEqual([{ type: 'Host', name: '203.0.113.10' }]);
    // The send log names a send connector the case does not hold: nothing ties it to that host, so it stays apart.
    expect(d.findings.filter((x) => x.rule === 'tenant-attribution-rejected').map((x) => x.subjects[0])).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365' }]);
  });
});

describe('grouping key: the cause object', () => {
  const sendConnector = { type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' };
  const config = finding({ rule: 'cert-connector-no-client-certificate', subjects: [sendConnector], fix: [{ text: 'config fix', command: 'Set-SendConnector x' }] });

  it('an evidence finding about another send connector stays its own finding', () => {
    const other = finding({ rule: 'tenant-attribution-rejected', subjects: [{ ...sendConnector, name: 'Relay' }] });
    expect(groupFindings([config, other])).toHaveLength(2);
  });

  it('an evidence finding joins a configuration finding that names its cause object; severity is the most severe, fix the lead\'s', () => {
    const warning = { ...config, severity: 'warning' as const, rule: 'send-connector-fqdn-certificate-mismatch' };
    const evidence = finding({ rule: 'tenant-attribution-rejected', subjects: [{ type: 'SendConnector', name: 'outbound via office 365' }], fix: [{ text: 'evidence fix' }] });
    const [g, ...rest] = groupFindings([warning, evidence]);
    expect(rest).toEqual([]);
    expect(g!.rule).toBe('send-connector-fqdn-certificate-mismatch');
    expect(g!.severity).toBe('error');
    expect(g!.fix).toEqual(warning.fix);
    expect(g!.message.split('\n')).toEqual([warning.message, 'Also seen (tenant-attribution-rejected): tenant-attribution-rejected message']);
  });

  it('configuration findings are never merged with each other, nor into info findings', () => {
    const expired = finding({ rule: 'certificate-expired', subjects: [sendConnector] });
    const info = finding({ rule: 'some-info', severity: 'info', subjects: [{ type: 'InboundConnector', name: 'X', tenant: 't' }] });
    const evidence = finding({ rule: 'trace-foreign-mail-via-onprem-connector', subjects: [{ type: 'InboundConnector', name: 'X', tenant: 't' }] });
    expect(groupFindings([config, expired, info, evidence]).map((f) => f.rule)).toEqual(['cert-connector-no-client-certificate', 'certificate-expired', 'trace-foreign-mail-via-onprem-connector', 'some-info']);
  });

  it('a finding without related findings is returned as it was', () => {
    expect(groupFindings([config])[0]).toBe(config);
  });
});

describe('evidence lines of a group', () => {
  const tail = '[BN8NAM12FT053.eop-nam12.prod.protection.outlook.com 2026-11-20T09:00:00.262Z 08DE27F1A3C4B5D6]';
  it('the same Exchange Online answer read from two files is one line naming both sources', () => {
    const merged = mergeEvidence([
      { source: 'send.log:6', text: `RCPT answered "550 5.7.64 TenantAttribution; Relay Access Denied ${tail}"` },
      { source: 'msgtrk.log:8', text: `FAIL 550 5.7.64 TenantAttribution; Relay Access Denied ${tail}` },
      { source: 'send.log:6', text: `RCPT answered "550 5.7.64 TenantAttribution; Relay Access Denied ${tail}"` },
      { source: 'send.log:10', text: 'RCPT answered "550 5.7.64 … [SN1NAM02FT021.eop-nam02.prod.protection.outlook.com 2026-11-20T09:00:00.371Z 08DE27F1A3C4B5D7]"' },
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]!.text).toContain('(the same answer is also in msgtrk.log:8)');
  });

  it('reads the answer key from the diagnostic tail only', () => {
    expect(replyEventKey(`550 5.7.64 TenantAttribution ${tail}`)).toBe('bn8nam12ft053.eop-nam12.prod.protection.outlook.com|2026-11-20T09:00:00.262Z|08DE27F1A3C4B5D6');
    expect(replyEventKey('550 5.7.64 TenantAttribution; Relay Access Denied [BN8NAM12FT012.eop-nam12.prod.protection.outlook.com]')).toBeNull();
  });
});
