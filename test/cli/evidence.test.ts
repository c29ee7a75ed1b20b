import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AT, ROOT, cliJson } from '../helpers/run-cli.js';

/**
 * Evidence files beside the estate, read by `diagnose` as an admin would hand them over: the
 * scenarios' required outcomes (issue "Evidence": S1's trace, S2's protocol log) and an
 * evidence-only case (CONTRACT: the evidence rules still run).
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function caseOf(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-evidence-'));
  dirs.push(dir);
  for (const f of files) copyFileSync(join(ROOT, f), join(dir, basename(f)));
  return dir;
}

interface Report {
  inputs: { file: string; kind: string; records: number; skipped: number }[];
  findings: { rule: string; related?: string[]; message: string; subjects: { type: string; name: string }[]; evidence: { source: string; text: string }[]; fix: { command?: string }[] }[];
  evidence?: Record<string, number>;
}

/** Findings are grouped by cause (issue 12 item 2): a rule's finding is the one whose `rule` or `related` names it. */
const withRule = (json: Report, id: string) => json.findings.filter((f) => f.rule === id || (f.related ?? []).includes(id));

describe('diagnose with evidence', () => {
  it("S1: the extended message trace (UTF-16) answers since when and whose mail went through the provider's tenant", () => {
    const dir = caseOf('examples/s1-provider-wildcard/topology.yaml', 'test/fixtures/trace/s1-extended-report.csv');
    const { code, json } = cliJson<Report>('diagnose', dir, '--at', AT);
    expect(code).toBe(1);
    expect(json.inputs.find((i) => i.file.endsWith('.csv'))?.kind).toBe('message-trace');
    const found = withRule(json, 'trace-foreign-mail-via-onprem-connector');
    expect(found).toHaveLength(1);
    // generate-s1.mjs: ten customer messages (Setebos 7, Fabrikam 3) through the provider's connector, 17 to 20 November.
    expect(found[0]!.message).toContain('10 messages between 2026-11-17T08:02:11.417Z and 2026-11-20T16:45:09.271Z');
    expect(found[0]!.message).toContain('setebos-ag.com 7, fabrikam.com 3');
    expect(found[0]!.subjects).toContainEqual({ type: 'InboundConnector', name: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', tenant: 'varunagroup.onmicrosoft.com' });
    // The configuration findings stay, and the trace agrees with the simulation: no contradiction.
    expect(json.findings.map((f) => f.rule)).toContain('inbound-cert-name-overmatch');
    expect(json.findings.map((f) => f.rule)).not.toContain('evidence-contradicts-model');
  });

  it('S2: the send protocol log with 550 5.7.64 points at the send connector and the certificate to give it', () => {
    const dir = caseOf('examples/s2-cert-connector-after/topology.yaml', 'test/fixtures/exchange-log/s2-send-no-certificate.log');
    const { json } = cliJson<Report>('diagnose', dir, '--at', AT);
    const found = withRule(json, 'tenant-attribution-rejected');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects[0]).toMatchObject({ type: 'SendConnector', name: 'Outbound via Office 365' });
    expect(found[0]!.message).toContain('no client certificate was presented');
    expect(found[0]!.evidence.some((e) => /s2-send-no-certificate\.log:\d+$/.test(e.source))).toBe(true);
    expect(found[0]!.fix[0]!.command).toContain("Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>");
  });

  it("S2: a message tracking log's FAIL event with 5.7.64 names the send connector too", () => {
    const dir = caseOf('examples/s2-cert-connector-after/topology.yaml', 'test/fixtures/exchange-log/msgtrk-2019.log');
    const { json } = cliJson<Report>('diagnose', dir, '--at', AT);
    expect(json.inputs.find((i) => i.file.endsWith('.log'))).toMatchObject({ kind: 'tracking-log', records: 4, skipped: 0 });
    const found = withRule(json, 'tenant-attribution-rejected');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects[0]).toMatchObject({ type: 'SendConnector', name: 'Outbound via Office 365' });
    // Only the FAIL event's recipient (line 8), not the delivered ones.
    expect(found[0]!.message).toMatch(/^Also seen \(tenant-attribution-rejected\): 1 refused message at 2026-11-20T09:00:00\.262Z/m);
    expect(found[0]!.evidence.map((e) => e.source).filter((x) => x.endsWith('.log:8') || /\.log:\d+$/.test(x))).toEqual([expect.stringMatching(/msgtrk-2019\.log:8$/)]);
  });

  it('S2: the capture shows EX01 sending an empty Certificate message to Exchange Online', () => {
    const dir = caseOf('examples/s2-cert-connector-after/topology.yaml', 'test/fixtures/pcap/s2-exchange-online-no-client-certificate.pcapng');
    const { json } = cliJson<Report>('diagnose', dir, '--at', AT);
    const captured = withRule(json, 'capture-no-client-certificate');
    expect(captured).toHaveLength(1);
    // 203.0.113.10 is EX01, the source server of the send connector to Exchange Online.
    expect(captured[0]!.subjects[0]).toEqual({ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' });
    expect(captured[0]!.evidence.some((e) => /s2-exchange-online-no-client-certificate\.pcapng:1$/.test(e.source))).toBe(true);
    // One cause, one finding: the configuration finding, the capture and the 5.7.64 together.
    const rejected = withRule(json, 'tenant-attribution-rejected');
    expect(rejected).toEqual(captured);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.message).toContain('no client certificate was presented');
    expect(rejected[0]!.subjects[0]).toMatchObject({ type: 'SendConnector', name: 'Outbound via Office 365' });
    // The estate predicts no certificate on that route, and the capture shows none: no contradiction.
    expect(json.findings.map((f) => f.rule)).not.toContain('evidence-contradicts-model');
  });

  it('a message trace exported by Windows PowerShell (Export-Csv with #TYPE, ConvertTo-Json) is evidence, not a configuration export', () => {
    const dir = caseOf('test/fixtures/trace/get-messagetrace-ps51.csv', 'test/fixtures/trace/get-messagetrace-ps51.json');
    const { json } = cliJson<Report>('diagnose', dir, '--at', AT);
    expect(json.inputs.map((i) => [basename(i.file), i.kind, i.skipped])).toEqual([
      ['get-messagetrace-ps51.csv', 'message-trace', 0],
      ['get-messagetrace-ps51.json', 'message-trace', 0],
    ]);
  });

  it('an evidence-only case: logs, headers and captures without configuration', () => {
    const dir = caseOf(
      'test/fixtures/exchange-log/s42-nat-receive.log',
      'test/fixtures/exchange-log/tls10-edge-receive.log',
      'test/fixtures/headers/cross-premises-anonymous-gateway.eml',
      'test/fixtures/headers/cross-premises-internal.eml',
      'test/fixtures/pcap/starttls-masked.pcap',
    );
    const { code, json } = cliJson<Report>('diagnose', dir, '--at', AT);
    expect(code).toBe(1);
    expect(json.inputs.map((i) => i.kind).sort()).toEqual(['capture', 'headers', 'headers', 'protocol-log', 'protocol-log']);
    const rules = new Set(json.findings.map((f) => f.rule));
    for (const r of ['eop-source-ip-not-preserved', 'tls-weak-version', 'message-not-internal', 'third-party-gateway-in-hybrid-path', 'starttls-masked']) expect(rules, r).toContain(r);
    // Only the anonymous cross-premises message is reported, not the internal one.
    expect(json.findings.filter((f) => f.rule === 'message-not-internal')).toHaveLength(1);
    expect(json.evidence?.headerMessages).toBe(2);
  });
});
