import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../../src/diagnose.js';
import { loadCase } from '../../../src/ingest/load-case.js';
import { ZIP_KIND } from '../../../src/ingest/zip/extract-zip.js';
import { withZipInputs } from '../../../src/ingest/zip/zip-inputs.js';
import { ZIP_LIMITS } from '../../../src/ingest/zip/zip-limits.js';
import type { InputReport } from '../../../src/model/diagnostics.js';
import { runMain } from '../../cli/in-process.js';
import { buildZip, type TestEntry } from './build-zip.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'mfd-zip-test-'));
  made.push(d);
  return d;
}
function writeZip(entries: TestEntry[], name = 'evidence.zip'): string {
  const file = join(scratch(), name);
  writeFileSync(file, buildZip(entries));
  return file;
}

const REPO = resolve(import.meta.dirname, '../../..');
const CLIXML = join(REPO, 'test/fixtures/powershell/clixml');
/** As the collection script's Write-Topology writes it: `sources:` place the folders' objects. */
const TOPOLOGY = [
  'kind: mailflow-topology',
  'version: 1',
  'sources:',
  "  'onprem/Contoso': 'Contoso'",
  "  'online/contoso.onmicrosoft.com': 'contoso.onmicrosoft.com'",
  '',
].join('\n');

function zipReport(inputs: InputReport[]): InputReport {
  const r = inputs.find((i) => i.kind === ZIP_KIND);
  expect(r, 'the zip has its own input report').toBeDefined();
  return r!;
}

/** Temporary folders the zip reader made and did not remove. */
function leftovers(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('mailflow-zip-'));
}

describe('zip input: entries read', () => {
  it('reads deflated and stored entries, with `\\` separators as Windows PowerShell 5.1 writes them, and names them inside the zip', async () => {
    const before = leftovers();
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY, method: 'store' },
      { name: 'onprem\\Contoso\\', data: '', method: 'store' },
      { name: 'onprem\\Contoso\\send-connectors.xml', data: Buffer.from(require_('get-sendconnector.xml')) },
      { name: 'online/contoso.onmicrosoft.com/inbound-connectors.xml', data: Buffer.from(require_('get-inboundconnector-utf16.xml')) },
    ]);
    const loaded = await loadCase([zip]);
    expect(loaded.fatal).toBeNull();
    const files = loaded.case.inputs.map((i) => i.file);
    expect(files).toContain(`${zip}/onprem/Contoso/send-connectors.xml`);
    expect(files).toContain(`${zip}/online/contoso.onmicrosoft.com/inbound-connectors.xml`);
    expect(files).toContain(`${zip}/topology.yaml`);
    const report = zipReport(loaded.case.inputs);
    expect(report).toMatchObject({ file: zip, records: 3, skipped: 0, diagnostics: [] });
    expect(loaded.case.organizations.flatMap((o) => o.SendConnectors).length).toBeGreaterThan(0);
    expect(loaded.case.tenants.flatMap((t) => t.InboundConnectors).length).toBeGreaterThan(0);
    // No path of the result names the temporary folder, and the folder is gone.
    expect(JSON.stringify(loaded.case)).not.toContain(tmpdir() + '/mailflow-zip-');
    expect(leftovers()).toEqual(before);
  });

  it('reads an archive written by another tool (Python zipfile, ZIP64 records forced)', async () => {
    const dir = scratch();
    const zip = join(dir, 'py.zip');
    const src = join(dir, 'src');
    mkdirSync(join(src, 'onprem', 'Contoso'), { recursive: true });
    copyFileSync(join(CLIXML, 'get-sendconnector.xml'), join(src, 'onprem', 'Contoso', 'send-connectors.xml'));
    writeFileSync(join(src, 'topology.yaml'), TOPOLOGY);
    const py = [
      'import sys, zipfile, os',
      // Every size, offset and count past these "limits": ZIP64 extra fields and end records throughout.
      'zipfile.ZIP64_LIMIT = 1',
      'zipfile.ZIP_FILECOUNT_LIMIT = 1',
      'z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)',
      'for root, _, files in os.walk(sys.argv[2]):',
      '    for f in files:',
      '        p = os.path.join(root, f)',
      '        with open(p, "rb") as fh, z.open(os.path.relpath(p, sys.argv[2]), "w", force_zip64=True) as out: out.write(fh.read())',
      'z.close()',
    ].join('\n');
    execFileSync('python3', ['-c', py, zip, src]);
    const bytes = readBytes(zip);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'a ZIP64 end record').toBe(true);
    const loaded = await loadCase([zip]);
    expect(loaded.fatal).toBeNull();
    expect(zipReport(loaded.case.inputs)).toMatchObject({ records: 2, skipped: 0, diagnostics: [] });
    expect(loaded.case.organizations.flatMap((o) => o.SendConnectors).length).toBeGreaterThan(0);
  });

  it('reads a zip inside the zip into a folder of its name', async () => {
    const inner = buildZip([{ name: 'send-connectors.xml', data: Buffer.from(require_('get-sendconnector.xml')) }]);
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'onprem/Contoso.zip', data: inner, method: 'store' },
    ]);
    const loaded = await loadCase([zip]);
    expect(loaded.fatal).toBeNull();
    expect(loaded.case.inputs.map((i) => i.file)).toContain(`${zip}/onprem/Contoso.zip/send-connectors.xml`);
    expect(zipReport(loaded.case.inputs).skipped).toBe(0);
  });

  it('turns the collection script\'s logged errors into warnings of the zip, and does not read the log as an input', async () => {
    const log = [
      '2026-12-06T10:00:00Z\tINFO\tonprem/Contoso\tGet-SendConnector\t2 object(s) saved in send-connectors.xml',
      '2026-12-06T10:00:01Z\tERROR\tonprem/Contoso\tGet-HybridConfiguration\tAccess is denied.',
    ].join('\r\n');
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'mailflow-collect-log.txt', data: '\uFEFF' + log },
    ]);
    const loaded = await loadCase([zip]);
    const report = zipReport(loaded.case.inputs);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'warning' });
    expect(report.diagnostics[0]!.message).toContain('Get-HybridConfiguration (onprem/Contoso): Access is denied.');
    expect(loaded.case.inputs.some((i) => i.file.endsWith('mailflow-collect-log.txt'))).toBe(false);
  });
});

describe('zip input: what LIMITS refuse, each naming the entry', () => {
  const refusal = (r: InputReport, entry: string): string => {
    const d = r.diagnostics.find((x) => x.message.includes(`"${entry}" refused`));
    expect(d, `a diagnostic names ${entry}: ${JSON.stringify(r.diagnostics)}`).toBeDefined();
    expect(d!.severity).toBe('error');
    return d!.message;
  };

  it('refuses a zip bomb by its ratio (10 MB of zeros in ~10 KB) without extracting it, and reads the rest', async () => {
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'bomb.xml', data: Buffer.alloc(10 << 20) },
    ]);
    const loaded = await loadCase([zip]);
    expect(loaded.fatal).toBeNull();
    expect(refusal(zipReport(loaded.case.inputs), 'bomb.xml')).toMatch(/zip bomb/);
    expect(zipReport(loaded.case.inputs).records).toBe(1);
  });

  it('stops a bomb whose header lies about its size while it inflates', async () => {
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'liar.xml', data: Buffer.alloc(10 << 20), declaredSize: 1000 },
    ]);
    const r = zipReport((await loadCase([zip])).case.inputs);
    expect(refusal(r, 'liar.xml')).toMatch(/more than the 1000 bytes its header declares/);
  });

  it('refuses entries that share their compressed data (overlapping entries)', async () => {
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'a.xml', data: 'x'.repeat(5000) },
      { name: 'b.xml', data: '', sameDataAs: 1 },
    ]);
    expect(refusal(zipReport((await loadCase([zip])).case.inputs), 'b.xml')).toMatch(/overlaps entry 2 "a.xml"/);
  });

  it('refuses paths that leave the folder (`../`, `..\\`, absolute) and writes nothing outside', async () => {
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: '../escaped.yaml', data: TOPOLOGY },
      { name: 'onprem\\..\\..\\escaped2.yaml', data: TOPOLOGY },
      { name: '/etc/escaped3.yaml', data: TOPOLOGY },
      { name: 'C:\\escaped4.yaml', data: TOPOLOGY },
    ]);
    const r = zipReport((await loadCase([zip])).case.inputs);
    expect(refusal(r, '../escaped.yaml')).toMatch(/leaves the archive's folder/);
    expect(refusal(r, 'onprem\\..\\..\\escaped2.yaml')).toMatch(/leaves the archive's folder/);
    expect(refusal(r, '/etc/escaped3.yaml')).toMatch(/absolute/);
    expect(refusal(r, 'C:\\escaped4.yaml')).toMatch(/absolute/);
    expect(r).toMatchObject({ records: 1, skipped: 4 });
    expect(existsSync(join(tmpdir(), 'escaped.yaml'))).toBe(false);
  });

  it('refuses the entries past the entry limit, naming the first', async () => {
    const zip = writeZip([{ name: 'topology.yaml', data: TOPOLOGY }, ...[1, 2, 3, 4].map((n) => ({ name: `f${n}.txt`, data: `${n}` }))]);
    const loaded = await withZipInputs([zip], (paths) => loadCase(paths), { ...ZIP_LIMITS, entries: 3 });
    const r = zipReport(loaded.case.inputs);
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/entry 4 "f3.txt" and the 1 after it refused: the archive has more than 3 entries/));
    expect(r.skipped).toBe(2);
  });

  it('refuses a zip nested deeper than the limit', async () => {
    const deepest = buildZip([{ name: 'x.txt', data: 'x' }]);
    const middle = buildZip([{ name: 'deep.zip', data: deepest }]);
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'middle.zip', data: middle },
    ]);
    const loaded = await withZipInputs([zip], (paths) => loadCase(paths), { ...ZIP_LIMITS, nestedDepth: 1 });
    expect(refusal(zipReport(loaded.case.inputs), 'deep.zip')).toMatch(/nested more than 1 deep/);
  });

  it('refuses damaged data (CRC mismatch), encryption, symbolic links and unknown methods', async () => {
    const zip = writeZip([
      { name: 'topology.yaml', data: TOPOLOGY },
      { name: 'damaged.xml', data: 'hello world', declaredCrc: 1234 },
      { name: 'link', data: '/etc/passwd', method: 'store', unixMode: 0o120777 },
    ]);
    const r = zipReport((await loadCase([zip])).case.inputs);
    expect(refusal(r, 'damaged.xml')).toMatch(/CRC-32/);
    expect(refusal(r, 'link')).toMatch(/symbolic link/);
  });

  it('a file that is no zip archive makes the case unreadable, naming it (exit 2)', async () => {
    const file = join(scratch(), 'broken.zip');
    writeFileSync(file, 'PK\u0003\u0004 but nothing else');
    const loaded = await loadCase([file]);
    expect(loaded.fatal).toContain(`${file}: not a readable zip archive`);
  });
});

describe('zip input: the same case as the folder', () => {
  it('a zip of examples/s1-provider-wildcard with CLIXML exports gives the same findings as the folder', async () => {
    const dir = scratch();
    const folder = join(dir, 'case');
    mkdirSync(join(folder, 'onprem', 'Varunagroup'), { recursive: true });
    mkdirSync(join(folder, 'online', 'varunagroup.onmicrosoft.com'), { recursive: true });
    const files: [string, string][] = [
      ['topology.yaml', join(REPO, 'examples/s1-provider-wildcard/topology.yaml')],
      ['onprem/Varunagroup/send-connectors.xml', join(CLIXML, 'get-sendconnector.xml')],
      ['onprem/Varunagroup/certificates.xml', join(CLIXML, 'get-exchangecertificate.xml')],
      ['online/varunagroup.onmicrosoft.com/inbound-connectors.xml', join(CLIXML, 'get-inboundconnector-utf16.xml')],
    ];
    for (const [to, from] of files) copyFileSync(from, join(folder, to));
    const zip = join(dir, 'case.zip');
    // As Compress-Archive in Windows PowerShell 5.1 writes it: `\` between folders, deflate.
    writeFileSync(zip, buildZip(files.map(([to, from]) => ({ name: to.replace(/\//g, '\\'), data: readBytes(from) }))));

    const at = new Date('2026-11-22T12:00:00Z');
    const fromFolder = await loadCase([folder]);
    const fromZip = await loadCase([zip]);
    expect(fromFolder.fatal).toBeNull();
    expect(fromZip.fatal).toBeNull();
    const a = diagnoseCase(fromFolder.case, { at });
    const b = diagnoseCase(fromZip.case, { at });
    expect(a.findings.length).toBeGreaterThan(0);
    const norm = (x: unknown): string => JSON.stringify(x).split(JSON.stringify(zip).slice(1, -1)).join('CASE').split(JSON.stringify(folder).slice(1, -1)).join('CASE');
    expect(norm(b.findings)).toBe(norm(a.findings));
    expect(norm(b.case.inputs.filter((i) => i.kind !== ZIP_KIND))).toBe(norm(a.case.inputs));
    // The command line reads the same zip, and its report never names the temporary folder.
    const cli = await runMain('diagnose', zip, '--format', 'json', '--at', at.toISOString());
    expect(cli.stderr).toBe('');
    expect(cli.stdout).not.toContain('mailflow-zip-');
    expect(JSON.parse(cli.stdout).findings.length).toBe(b.findings.length);
    const exports = b.case.inputs.filter((i) => i.kind === 'powershell-clixml');
    expect(exports.map((i) => i.file).sort()).toEqual(files.slice(1).map(([to]) => `${zip}/${to}`).sort());
    expect(exports.every((i) => i.records > 0)).toBe(true);
  });
});

function require_(name: string): Buffer {
  return readBytes(join(CLIXML, name));
}
function readBytes(file: string): Buffer {
  return execFileSync('cat', [file]);
}
