import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { diagnoseCase, type Diagnosis } from '../../../src/diagnose.js';
import { loadCase } from '../../../src/ingest/load-case.js';
import type { Case } from '../../../src/model/case.js';
import { writeExports, type ExportForm } from './export-writer.js';

/**
 * Issue 3: a case given as exports yields the same findings and flows as the same estate written
 * as a topology file. Each scenario is written as exports in every form; what no export carries
 * (gateways, DNS, flows, server source addresses, certificates of non-Exchange hosts) stays in a
 * small topology file. Export-Csv cannot write lists, so the CSV form's topology also gives the
 * lists (address spaces, smart hosts, sender domains and addresses, certificate names): the
 * loss is reported and the topology fills it, as an admin would be told to do.
 */

const AT = new Date('2026-11-22T00:00:00Z');
const SCENARIOS = ['s1-provider-wildcard', 's2-cert-connector-before', 's3-shared-certificate'];
const FORMS: ExportForm[] = ['json51', 'json7', 'csv', 'clixml'];
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function summary(d: Diagnosis): { findings: string[]; flows: string[] } {
  return {
    findings: d.findings
      .map((f) => `${f.rule} ${JSON.stringify(f.subjects.map((s) => [s.type, s.name, s.tenant ?? null, s.organization ?? null]))}`)
      .sort(),
    flows: d.simulation.flows.map((f) => `${f.from} -> ${f.to}: ${f.outcome} via ${f.tenants.join(',')}`).sort(),
  };
}

type Obj = Record<string, unknown>;

/** What no export carries, plus (for CSV) the lists Export-Csv loses. */
function companionTopology(yamlText: string, c: Case, form: ExportForm): Obj {
  const full = parse(yamlText) as Obj;
  const serverCerts = new Set(c.organizations.flatMap((o) => o.Servers.flatMap((s) => s.Certificates)));
  const certificates = ((full.certificates as Obj[] | undefined) ?? []).filter((x) => !serverCerts.has(String(x.Thumbprint)));
  if (form === 'csv') {
    for (const cert of c.certificates) if (serverCerts.has(cert.Thumbprint)) certificates.push({ Thumbprint: cert.Thumbprint, CertificateDomains: cert.CertificateDomains });
  }
  const csv = form === 'csv';
  return {
    kind: 'mailflow-topology',
    version: 1,
    ...(csv
      ? {
          tenants: c.tenants.map((t) => ({
            Name: t.Name,
            InboundConnectors: t.InboundConnectors.map((x) => ({ Name: x.Name, SenderIPAddresses: x.SenderIPAddresses, SenderDomains: x.SenderDomains.map((d) => `smtp:${d};1`) })),
            OutboundConnectors: t.OutboundConnectors.map((x) => ({ Name: x.Name, RecipientDomains: x.RecipientDomains, SmartHosts: x.SmartHosts })),
          })),
        }
      : {}),
    organizations: c.organizations.map((o) => ({
      Name: o.Name,
      Servers: o.Servers.map((s) => ({ Name: s.Name, IPAddresses: s.IPAddresses })),
      ...(csv ? { SendConnectors: o.SendConnectors.map((x) => ({ Name: x.Name, AddressSpaces: x.AddressSpaces.map((a) => a.raw), SmartHosts: x.SmartHosts, SourceTransportServers: x.SourceTransportServers })) } : {}),
    })),
    gateways: full.gateways ?? [],
    certificates,
    dns: full.dns ?? {},
    flows: full.flows ?? [],
  };
}

function writeCase(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-exports-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

describe('a case given as exports gives the findings and flows of its topology', () => {
  for (const scenario of SCENARIOS) {
    for (const form of FORMS) {
      it(`${scenario} as ${form}`, async () => {
        const topologyFile = join('examples', scenario, 'topology.yaml');
        const reference = await loadCase([topologyFile]);
        expect(reference.fatal).toBeNull();
        const files = writeExports(reference.case, form);
        files['topology.yaml'] = stringify(companionTopology(readFileSync(topologyFile, 'utf8'), reference.case, form));
        const dir = writeCase(files);
        const loaded = await loadCase([dir]);
        expect(loaded.fatal).toBeNull();
        const errors = loaded.case.inputs.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location}: ${d.message}`));
        expect(errors).toEqual([]);
        if (form === 'clixml') {
          // Remote-session objects say where they belong and hold every list: nothing to warn about.
          const exportsRead = loaded.case.inputs.filter((r) => r.kind.startsWith('powershell'));
          expect(exportsRead.map((r) => r.kind)).toEqual(exportsRead.map(() => 'powershell-clixml'));
          expect(exportsRead.flatMap((r) => r.diagnostics.map((d) => `${d.location}: ${d.message}`))).toEqual([]);
        }
        for (const r of loaded.case.inputs.filter((x) => x.kind.startsWith('powershell'))) expect(r.skipped, r.file).toBe(0);
        const count = (x: Case): number[] => [
          x.tenants.reduce((n, t) => n + t.InboundConnectors.length + t.OutboundConnectors.length + t.AcceptedDomains.length, 0),
          x.organizations.reduce((n, o) => n + o.SendConnectors.length + o.Servers.length + o.AcceptedDomains.length, 0),
          x.certificates.filter((cert) => cert.Server !== null || cert.names.length > 0).length,
        ];
        expect(count(loaded.case)).toEqual(count(reference.case));
        const expected = summary(diagnoseCase(reference.case, { at: AT }));
        expect(expected.flows.length).toBeGreaterThan(0);
        expect(summary(diagnoseCase(loaded.case, { at: AT }))).toEqual(expected);
      });
    }
  }
});
