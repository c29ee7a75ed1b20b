import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectKind } from '../../src/ingest/detect.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { fixture, fixtureText, locationOf } from './fixture-positions.js';
import { makePrivateChain, makeSelfSigned, opensslThumbprint, removeTempDirs, tempDir, toDer } from './openssl-helpers.js';

afterAll(removeTempDirs);
const scratch = tempDir;

describe('detectKind', () => {
  it('detects by content, not by name', () => {
    expect(detectKind(readFileSync(fixture('topology', 'contoso.yaml')))).toBe('topology');
    expect(detectKind(readFileSync(fixture('topology', 'fabrikam.json')))).toBe('topology');
    expect(detectKind(Buffer.from('{"kind":"mailflow-topology","version":1}'))).toBe('topology');
    expect(detectKind(Buffer.from('\ufeffkind: mailflow-topology\n', 'utf8'))).toBe('topology');
    expect(detectKind(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: mailflow-topology\n', 'utf16le')]))).toBe('topology');
    expect(detectKind(readFileSync(fixture('topology', 'with-readme', 'README.txt')))).toBe('unknown');
    expect(detectKind(readFileSync(fixture('certificate', 'not-a-certificate.cer')))).toBe('unknown');
  });

  it('detects PEM and DER certificates', () => {
    const dir = scratch('detect');
    const { cert } = makeSelfSigned(dir, 'c', '/CN=c.contoso.com', ['c.contoso.com']);
    expect(detectKind(readFileSync(cert))).toBe('certificate');
    expect(detectKind(readFileSync(toDer(cert, 'c.bin', dir)))).toBe('certificate');
  });
});

describe('loadCase', () => {
  it('reads a folder with a topology and an unknown file: a warning, not fatal', async () => {
    const folder = fixture('topology', 'with-readme');
    const { case: c, fatal } = await loadCase([folder]);
    expect(fatal).toBeNull();
    expect(c.inputs.map((i) => [i.file, i.kind])).toEqual([
      [join(folder, 'README.txt'), 'unknown'],
      [join(folder, 'topology.yaml'), 'topology'],
    ]);
    expect(c.inputs[0]!.diagnostics).toEqual([{ severity: 'warning', location: join(folder, 'README.txt'), message: expect.stringMatching(/not a recognised input/) }]);
    expect(c.inputs[1]!.records).toBe(30);
    expect(c.tenants[0]!.Name).toBe('contoso.onmicrosoft.com');
    // Every server certificate and gateway certificate is found; the only warnings are none.
    expect(c.inputs[1]!.diagnostics).toEqual([]);
  });

  it('is fatal when a path does not exist, naming it', async () => {
    const missing = join(fixture('topology'), 'no-such-folder');
    const { fatal } = await loadCase([fixture('topology', 'contoso.yaml'), missing]);
    expect(fatal).toContain(missing);
    expect(fatal).toMatch(/no such file or folder/);
  });

  it('is fatal when a topology file does not parse, with the position', async () => {
    const file = fixture('topology', 'bad-syntax.yaml');
    const { case: c, fatal } = await loadCase([file]);
    const where = locationOf(file, fixtureText('topology', 'bad-syntax.yaml'), 'true: false');
    expect(fatal).toContain(where);
    expect(c.inputs[0]!.diagnostics[0]!.location).toBe(where);
  });

  it('is fatal on schema errors, listing each, and keeps them in inputs', async () => {
    const file = fixture('topology', 'wrong-types.yaml');
    const { case: c, fatal } = await loadCase([file]);
    const errors = c.inputs[0]!.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(6);
    for (const e of errors) expect(fatal).toContain(`${e.location}: ${e.message}`);
  });

  it('is fatal when no file can be read', async () => {
    const dir = scratch('nothing');
    writeFileSync(join(dir, 'notes.txt'), 'nothing to see\n');
    const { case: c, fatal } = await loadCase([dir]);
    expect(fatal).toMatch(/could be read/);
    expect(fatal).toContain('notes.txt');
    expect(c.inputs).toHaveLength(1);
    const empty = scratch('empty');
    expect((await loadCase([empty])).fatal).toMatch(/no files found/);
  });

  it('skips dotfiles and node_modules in folders', async () => {
    const dir = scratch('hidden');
    copyFileSync(fixture('topology', 'contoso.yaml'), join(dir, 'topology.yaml'));
    writeFileSync(join(dir, '.DS_Store'), 'x');
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'x.txt'), 'x');
    const { case: c, fatal } = await loadCase([dir]);
    expect(fatal).toBeNull();
    // Issue 12 item 5: what a walk leaves out is said once, in one summary report; hidden files silently.
    expect(c.inputs.map((i) => i.kind)).toEqual(['not-read', 'topology']);
    expect(c.inputs[0]!.diagnostics).toHaveLength(1);
    expect(c.inputs[0]!.diagnostics[0]!.message).toMatch(/node_modules/);
    expect(c.inputs[0]!.diagnostics[0]!.message).not.toMatch(/DS_Store|x\.txt/);
  });

  it('merges topology files property by property: the first value written wins, later files fill gaps', async () => {
    const { case: c, fatal } = await loadCase([fixture('topology', 'merge')]);
    expect(fatal).toBeNull();
    expect(c.tenants).toHaveLength(1);
    const t = c.tenants[0]!;
    expect(t.Name).toBe('contoso.onmicrosoft.com');
    expect(t.TenantId).toBe('0b5f0000-0000-4000-8000-000000000001');
    expect(t.AcceptedDomains.map((d) => d.DomainName)).toEqual(['contoso.com', 'contoso.mail.onmicrosoft.com']);
    expect(t.InboundConnectors.map((x) => x.Name)).toEqual(['Inbound from on-premises', 'Partner fabrikam']);
    expect(t.InboundConnectors[0]).toMatchObject({ ConnectorType: 'OnPremises', Enabled: false, TlsSenderCertificateName: 'smtp.contoso.com' });
    const send = c.organizations[0]!.SendConnectors[0]!;
    expect(send).toMatchObject({ SmartHosts: ['contoso-com.mail.protection.outlook.com'], DNSRoutingEnabled: false, SourceTransportServers: ['EX01'] });
    expect(send.AddressSpaces.map((a) => a.Domain)).toEqual(['contoso.mail.onmicrosoft.com']);
    expect(c.dns.MX).toEqual({ 'contoso.com': ['contoso-com.mail.protection.outlook.com'], 'fabrikam.com': ['fabrikam-com.mail.protection.outlook.com'] });
    // EX01 comes from the second file: the reference is checked after merging, so no warning.
    expect(c.inputs.flatMap((i) => i.diagnostics)).toEqual([]);
  });

  it('warns about broken references and duplicates, without failing', async () => {
    const file = fixture('topology', 'references.yaml');
    const text = fixtureText('topology', 'references.yaml');
    const { case: c, fatal } = await loadCase([file]);
    expect(fatal).toBeNull();
    const warnings = c.inputs[0]!.diagnostics;
    expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
    const at = (needle: string): string => locationOf(file, text, needle);
    expect(warnings).toEqual(
      expect.arrayContaining([
        { severity: 'warning', location: at('Name: inbound FROM on-premises'), message: expect.stringMatching(/duplicate inbound connector/) },
        { severity: 'warning', location: at('Name: Outbound to Office 365'), message: expect.stringMatching(/SourceTransportServers names "EX02"/) },
        { severity: 'warning', location: at('Name: EX01'), message: expect.stringContaining('certificate 1111111111111111111111111111111111111111 is not among') },
        { severity: 'warning', location: at('Name: mx01.contoso.com'), message: expect.stringContaining('2222222222222222222222222222222222222222') },
        { severity: 'warning', location: at('AddressSpaces: ["*"]'), message: expect.stringContaining('3333333333333333333333333333333333333333') },
        { severity: 'warning', location: at('From: alice@contoso.com'), message: expect.stringMatching(/Origin "Northwind" names no tenant or organization/) },
      ]),
    );
    expect(warnings).toHaveLength(6);
    expect(c.inputs[0]!.skipped).toBe(1);
  });
});

describe('loadCase with certificate files', () => {
  let dir: string;
  let chain: { root: string; intermediate: string; leaf: string };
  beforeAll(() => {
    dir = scratch('case-certs');
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    chain = makePrivateChain(certs, '/C=US/O=Contoso/CN=smtp.contoso.com', ['smtp.contoso.com', 'mail.contoso.com']);
    for (const f of ['root.key', 'int.key', 'leaf.key', 'int.csr', 'leaf.csr', 'ca.ext', 'leaf.ext', 'root.srl', 'intermediate.srl']) rmSync(join(certs, f), { force: true });
  });

  it('reads standalone certificate files into the case and builds chains across files', async () => {
    const { case: c, fatal } = await loadCase([join(dir, 'certs')]);
    expect(fatal).toBeNull();
    expect(c.inputs.map((i) => i.kind)).toEqual(['certificate', 'certificate', 'certificate']);
    const leaf = c.certificates.find((x) => x.commonName === 'smtp.contoso.com')!;
    expect(leaf.Thumbprint).toBe(opensslThumbprint(chain.leaf, dir));
    expect(leaf.trust.publiclyTrusted).toBe(false);
    expect(leaf.trust.reason).toMatch(/CN=Contoso Test Root CA, O=Contoso, C=US, a root that is not a public root \(private CA\)/);
  });

  it('loads a certificate named by { File } once, merging what the topology says about its installation', async () => {
    const thumbprint = opensslThumbprint(chain.leaf, dir);
    const topology = [
      'kind: mailflow-topology',
      'version: 1',
      'organizations:',
      '  - Name: Contoso',
      '    Servers:',
      '      - Name: EX01',
      `        Certificates: [${thumbprint}]`,
      'certificates:',
      '  - File: certs/leaf.pem',
      '    Services: SMTP',
      `  - Thumbprint: ${thumbprint}`,
      '    HasPrivateKey: true',
      '    Subject: CN=wrong.example',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'topology.yaml'), topology);
    const { case: c, fatal } = await loadCase([dir]);
    expect(fatal).toBeNull();
    const leafReports = c.inputs.filter((i) => i.file === join(dir, 'certs', 'leaf.pem'));
    expect(leafReports).toHaveLength(1);
    const leaves = c.certificates.filter((x) => x.Thumbprint === thumbprint);
    expect(leaves).toHaveLength(1);
    // The file says what the certificate is; the inline entry adds how it is installed.
    expect(leaves[0]).toMatchObject({ Subject: 'CN=smtp.contoso.com, O=Contoso, C=US', Services: 'SMTP', HasPrivateKey: true, File: join(dir, 'certs', 'leaf.pem') });
    expect(leaves[0]!.trust.reason).toMatch(/private CA/);
    expect(c.inputs.flatMap((i) => i.diagnostics)).toEqual([]);
    rmSync(join(dir, 'topology.yaml'));
  });

  it('an unreadable certificate file is an error diagnostic; the rest of the case goes on', async () => {
    const caseDir = scratch('bad-cert');
    copyFileSync(fixture('topology', 'contoso.yaml'), join(caseDir, 'topology.yaml'));
    copyFileSync(fixture('certificate', 'not-a-certificate.cer'), join(caseDir, 'gateway.cer'));
    const { case: c, fatal } = await loadCase([caseDir]);
    expect(fatal).toBeNull();
    const report = c.inputs.find((i) => i.file.endsWith('gateway.cer'))!;
    expect(report.kind).toBe('certificate');
    expect(report.diagnostics).toEqual([{ severity: 'error', location: join(caseDir, 'gateway.cer'), message: expect.stringMatching(/not a certificate/) }]);
    expect(c.tenants).toHaveLength(1);
  });

  it('a { File } that cannot be read is an error at the entry', async () => {
    const caseDir = scratch('missing-ref');
    const text = 'kind: mailflow-topology\nversion: 1\ncertificates:\n  - File: nowhere.pem\n';
    writeFileSync(join(caseDir, 'topology.yaml'), text);
    const { case: c, fatal } = await loadCase([caseDir]);
    expect(fatal).toBeNull();
    expect(c.inputs[0]!.diagnostics).toEqual([
      {
        severity: 'error',
        location: locationOf(join(caseDir, 'topology.yaml'), text, 'nowhere.pem'),
        message: `certificate file "${join(caseDir, 'nowhere.pem')}": file not found`,
      },
    ]);
    expect(c.inputs[0]!.skipped).toBe(1);
  });
});
