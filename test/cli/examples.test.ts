import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { whatIf } from '../../src/whatif.js';
import { AT, cli, cliJson } from '../helpers/run-cli.js';

// End-to-end on every bundled example; expectations come from SCENARIOS.md and the seeds.
type Report = {
  schema: string;
  inputs: { file: string; kind: string; records: number; skipped: number; diagnostics: unknown[] }[];
  findings: { rule: string; severity: string; subjects: { type: string; name: string; tenant?: string }[]; fix: { text: string; command?: string }[]; evidence: unknown[] }[];
  flows: { from: string; to: string; origin: string; outcome: string; response?: string | null; tenants: string[]; hops: { attribution: { tenant: string | null; connector: string | null; direction: string } }[]; anomalies: string[] }[];
};

const diagnose = (example: string) => cliJson<Report>('diagnose', `examples/${example}`, '--at', AT);
const rules = (r: Report) => r.findings.map((f) => f.rule);
const flow = (r: Report, from: string, to: string) => r.flows.find((f) => f.from === from && f.to === to && (f as { kind?: string }).kind !== 'journal-report');

describe('S1 — wildcard certificate name on the provider tenant', () => {
  const { code, json } = diagnose('s1-provider-wildcard');

  it('reports the overmatching inbound connector, with the two-step fix in order', () => {
    expect(code).toBe(1);
    expect(json.schema).toBe('mailflow-doctor/report@1');
    const f = json.findings.find((x) => x.rule === 'inbound-cert-name-overmatch')!;
    expect(f.severity).toBe('error');
    expect(f.subjects).toContainEqual({ type: 'InboundConnector', name: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', tenant: 'varunagroup.onmicrosoft.com' });
    const commands = f.fix.map((x) => x.command).filter(Boolean);
    expect(commands[0]).toMatch(/^Set-SendConnector .*Outbound to Office 365.* -Fqdn smtpo365\.varunagroup\.de$/);
    expect(commands[1]).toMatch(/^Set-InboundConnector .*Inbound from 3f8b2c1d.* -TlsSenderCertificateName smtpo365\.varunagroup\.de$/);
  });

  it('reports relay through the provider tenant for the customer → outside-Exchange-Online flow only', () => {
    const relay = json.findings.filter((x) => x.rule === 'relay-through-foreign-tenant');
    const flows = relay.flatMap((x) => x.subjects.filter((s) => s.type === 'Flow').map((s) => s.name));
    expect(flows).toContain('alice@setebos-ag.com → carol@fabrikam.com');
    expect(flows).not.toContain('alice@setebos-ag.com → dave@tailspintoys.com');
    const viaProvider = flow(json, 'alice@setebos-ag.com', 'carol@fabrikam.com')!;
    expect(viaProvider.outcome).toBe('delivered');
    expect(viaProvider.tenants[0]).toBe('varunagroup.onmicrosoft.com');
    expect(viaProvider.hops.some((h) => h.attribution.direction === 'relay')).toBe(true);
    const direct = flow(json, 'alice@setebos-ag.com', 'dave@tailspintoys.com')!;
    expect(direct.tenants).toEqual([]);
  });

  it('the provider tenant journals the customer message (a journal report flow)', () => {
    const journal = json.flows.filter((f) => (f as { kind?: string }).kind === 'journal-report' && (f as { journalOf?: { from: string } }).journalOf?.from === 'alice@setebos-ag.com');
    expect(journal.length).toBeGreaterThan(0);
    expect(journal[0]!.to).toBe('journal@varunagroup.de');
  });
});

describe('S1 fixed', () => {
  it('neither the overmatch nor the foreign relay fires, and customer mail no longer passes the provider tenant', () => {
    const { json } = diagnose('s1-provider-wildcard-fixed');
    expect(rules(json)).not.toContain('inbound-cert-name-overmatch');
    expect(rules(json)).not.toContain('relay-through-foreign-tenant');
    expect(flow(json, 'alice@setebos-ag.com', 'carol@fabrikam.com')!.tenants).toEqual(['(outside tenant: fabrikam.com)']);
  });
});

describe('S2 — disabling the IP connector', () => {
  it('what-if predicts on-premises → internet going from delivered to 550 5.7.64, explained, exit 1', () => {
    const r = cliJson<{ schema: string; flows: { from: string; to: string; before: { outcome: string }; after: { outcome: string; response: string } }[]; findingsAdded: { rule: string }[]; changes: { description: string }[] }>(
      'whatif',
      'examples/s2-cert-connector-before',
      '--change',
      'Set-InboundConnector "On-premises relay (IP)" -Enabled $false',
      '--at',
      AT,
    );
    expect(r.code).toBe(1);
    expect(r.json.schema).toBe('mailflow-doctor/whatif@1');
    const internet = r.json.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(internet.before.outcome).toBe('delivered');
    expect(internet.after.outcome).toBe('rejected');
    expect(internet.after.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied');
    const before = diagnose('s2-cert-connector-before').json;
    const explained = rules(before).includes('cert-connector-no-client-certificate') || r.json.findingsAdded.some((f) => f.rule === 'cert-connector-no-client-certificate');
    expect(explained).toBe(true);
  });

  it('the "after" case rejects relay with 5.7.64 and names the send connector', () => {
    const { code, json } = diagnose('s2-cert-connector-after');
    expect(code).toBe(1);
    expect(flow(json, 'alice@contoso.com', 'dave@tailspintoys.com')).toMatchObject({ outcome: 'rejected', response: '550 5.7.64 TenantAttribution; Relay Access Denied' });
    const f = json.findings.find((x) => x.rule === 'cert-connector-no-client-certificate')!;
    expect(f.subjects).toContainEqual({ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' });
  });
});

describe('S3 — one identity on two routes', () => {
  for (const example of ['s3-shared-certificate', 's3-shared-ip']) {
    it(`${example}: the tenant → other-tenant flow is dropped and the shared identity is reported`, () => {
      const { code, json } = diagnose(example);
      expect(code).toBe(1);
      expect(flow(json, 'alice@contoso.com', 'carol@fabrikam.com')!.outcome).toBe('dropped');
      expect(flow(json, 'alice@contoso.com', 'dave@tailspintoys.com')!.outcome).toBe('delivered');
      expect(rules(json)).toContain('shared-identity-tenant-and-internet-route');
    });
  }
  it('S3 fixed is clean', () => {
    const { code, json } = diagnose('s3-shared-certificate-fixed');
    expect(json.findings).toEqual([]);
    expect(code).toBe(0);
    expect(flow(json, 'alice@contoso.com', 'carol@fabrikam.com')!.outcome).toBe('delivered');
  });
});

describe('a clean hybrid estate', () => {
  it('has no findings, every flow delivered, exit 0', () => {
    const { code, json } = diagnose('clean-hybrid');
    expect(json.findings).toEqual([]);
    expect(json.flows.every((f) => f.outcome === 'delivered')).toBe(true);
    expect(code).toBe(0);
    expect(json.inputs[0]).toMatchObject({ kind: 'topology', skipped: 0 });
  });
});

describe('demo and output formats', () => {
  it('demo diagnoses S1 as text: findings first, most severe first, then the flows with anomalies', () => {
    const r = cli('demo');
    expect(r.code).toBe(1);
    const first = r.stdout.indexOf('ERROR');
    const warning = r.stdout.indexOf('WARNING');
    const flows = r.stdout.indexOf('Flows with anomalies');
    expect(first).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(first);
    expect(flows).toBeGreaterThan(warning);
    expect(r.stdout).toContain('inbound-cert-name-overmatch');
    expect(r.stdout).toContain('Set-InboundConnector');
  });

  it('markdown and --output', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'mfd-')), 'report.md');
    const r = cli('diagnose', 'examples/s3-shared-ip', '--format', 'markdown', '--output', out, '--at', AT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# mailflow-doctor report/);
    // S3's fix is a gateway change no cmdlet makes: said as text, with where to do it and no command block.
    expect(md).toContain('[gateway administration]');
    expect(md).not.toContain('```powershell');
    // S1's fixes are cmdlets: pasteable PowerShell blocks.
    const s1 = join(mkdtempSync(join(tmpdir(), 'mfd-')), 's1.md');
    expect(cli('diagnose', 'examples/s1-provider-wildcard', '--format', 'markdown', '--output', s1, '--at', AT).code).toBe(1);
    expect(readFileSync(s1, 'utf8')).toContain('```powershell');
  });

  it('simulate walks one message with every decision', () => {
    const r = cliJson<{ flows: { outcome: string; hops: { decisions: string[] }[] }[] }>('simulate', 'examples/s2-cert-connector-after', '--from', 'alice@contoso.com', '--to', 'dave@tailspintoys.com', '--at', AT);
    expect(r.code).toBe(0);
    expect(r.json.flows[0]!.outcome).toBe('rejected');
    expect(r.json.flows[0]!.hops[0]!.decisions.join(' ')).toMatch(/Send connector "Outbound via Office 365"/);
  });
});

describe('stable examples: every example keeps its verdict two years from now (issue 12 item 6)', () => {
  // Computed, not written down: the test keeps looking two years past whenever it runs.
  const twoYearsAhead = new Date(Date.now() + 2 * 365.25 * 24 * 3600 * 1000);
  const verdict = async (example: string, at: Date) => {
    const loaded = await loadCase([`examples/${example}`]);
    expect(loaded.fatal).toBeNull();
    const d = diagnoseCase(loaded.case, { at });
    return { rules: [...new Set(d.findings.map((f) => `${f.rule}:${f.severity}`))].sort(), incomplete: d.incomplete };
  };

  // The README's examples table: rule ids that must be reported, and those that must not.
  const README_TABLE: Record<string, { fires: string[]; not?: string[]; clean?: true; expiredByDesign?: true }> = {
    's1-provider-wildcard': { fires: ['inbound-cert-name-overmatch', 'relay-through-foreign-tenant'] },
    's1-provider-wildcard-fixed': { fires: [], not: ['inbound-cert-name-overmatch', 'relay-through-foreign-tenant'] },
    's2-cert-connector-after': { fires: ['cert-connector-no-client-certificate'] },
    's3-shared-certificate': { fires: ['shared-identity-tenant-and-internet-route'] },
    's3-shared-ip': { fires: ['shared-identity-tenant-and-internet-route'] },
    's3-shared-certificate-fixed': { fires: [], clean: true },
    'clean-hybrid': { fires: [], clean: true },
    'hybrid-trust-disabled': { fires: ['cross-premises-trust-disabled'] },
    'exo-onprem-subject-mismatch': { fires: ['exo-to-onprem-tls-validation-fails'] },
    'routing-loop': { fires: ['routing-loop'] },
    'partner-lockdown-hybrid': { fires: ['partner-connector-restriction-rejects', 'cert-connector-name-mismatch', 'partner-connector-scope-risk'] },
    // Its fault is an expired certificate (M12: RejectDirectSend turns it into a rejection).
    'direct-send-rejected': { fires: ['direct-send-rejected', 'certificate-expired'], expiredByDesign: true },
    'onprem-server-out-of-date': { fires: ['onprem-server-out-of-date'] },
    'dbeb-unsynced-recipient': { fires: ['recipient-blocked-by-dbeb'] },
  };

  for (const [example, expected] of Object.entries(README_TABLE)) {
    it(`${example}: the README's verdict at ${twoYearsAhead.toISOString().slice(0, 10)}`, async () => {
      const { rules: found, incomplete } = await verdict(example, twoYearsAhead);
      const ids = found.map((r) => r.split(':')[0]);
      expect(incomplete).toBeNull();
      for (const rule of expected.fires) expect(ids).toContain(rule);
      for (const rule of expected.not ?? []) expect(ids).not.toContain(rule);
      if (expected.clean) expect(found).toEqual([]);
      // No certificate of an example runs out within the two years (unless expiry is the example's fault).
      if (!expected.expiredByDesign) expect(ids).not.toContain('certificate-expired');
    });
  }

  it(`s2-cert-connector-before: at ${twoYearsAhead.toISOString().slice(0, 10)} what-if still predicts relay going from delivered to 550 5.7.64`, async () => {
    const loaded = await loadCase(['examples/s2-cert-connector-before']);
    const r = whatIf(loaded.case, ['Set-InboundConnector "On-premises relay (IP)" -Enabled $false'], { at: twoYearsAhead });
    const internet = r.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(internet.before!.outcome).toBe('delivered');
    expect(internet.after!.outcome).toBe('rejected');
    expect(internet.after!.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied');
  });

  for (const example of readdirSync('examples', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
    it(`${example}: the same findings two years from now as at the reference time ${AT}`, async () => {
      expect((await verdict(example, twoYearsAhead)).rules).toEqual((await verdict(example, new Date(AT))).rules);
    });
  }
});
