import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../src/ingest/load-case.js';
import { redactPaths } from '../../src/redact/redact-files.js';
import { redactText } from '../../src/redact/redact-text.js';
import { runMain } from '../cli/in-process.js';
import { Conversation, pcapFile } from '../ingest/pcap/capture-builder.js';
import { makeSelfSigned, removeTempDirs, tempDir } from '../ingest/openssl-helpers.js';

afterAll(removeTempDirs);

describe('redact: files the tool cannot rewrite token by token', () => {
  it('a certificate file becomes a topology certificate entry with the same properties, thumbprint consistent with the topology', async () => {
    const dir = tempDir('redact-cert');
    const { cert } = makeSelfSigned(dir, 'mx01', '/C=DE/O=Varunagroup/CN=mx01.varunagroup.de', ['mx01.varunagroup.de']);
    const original = await loadCase([cert]);
    const real = original.case.certificates[0]!;
    writeFileSync(join(dir, 'topology.yaml'), `kind: mailflow-topology\nversion: 1\ngateways:\n  - Name: Varunagroup gateway\n    Nodes:\n      - Name: mx01.varunagroup.de\n        IPAddresses: [81.173.212.44]\n        Certificate: ${real.Thumbprint}\n`);
    const out = tempDir('redact-cert-out');
    const { map, files } = await redactPaths([dir], out);
    expect(files.find((f) => f.input === cert)!.note).toMatch(/cannot be redacted and re-signed/);
    expect(map.toJSON().files.map((f) => f.input)).toContain(cert);
    const written = readdirSync(out);
    expect(written.some((n) => n.endsWith('.certificate.yaml'))).toBe(true);
    expect(written.some((n) => n.endsWith('.pem'))).toBe(false);
    const redacted = await loadCase([out]);
    expect(redacted.fatal).toBeNull();
    const c = redacted.case.certificates[0]!;
    // Same properties, names pseudonymised; the gateway node still presents that very certificate.
    expect(c.Thumbprint).toBe(redactText(real.Thumbprint, map));
    expect(c.Thumbprint).not.toBe(real.Thumbprint);
    expect(redacted.case.gateways[0]!.Nodes[0]!.Certificate).toBe(c.Thumbprint);
    expect(c.NotAfter).toBe(real.NotAfter);
    expect(c.IsSelfSigned).toBe(true);
    expect(c.trust.publiclyTrusted).toBe(false);
    expect(c.Subject).toBe(redactText(real.Subject, map));
    expect(c.Subject).not.toMatch(/varunagroup/i);
    expect(c.CertificateDomains).toEqual(real.CertificateDomains.map((d) => redactText(d, map)));
  });

  it('a capture is written as the session JSON `pcap --format json` prints, redacted, and says so', async () => {
    const dir = tempDir('redact-pcap');
    copyFileSync('test/fixtures/pcap/smtp-plain.pcap', join(dir, 'smtp-plain.pcap'));
    const out = tempDir('redact-pcap-out');
    const { files, map } = await redactPaths([dir], out);
    const written = files[0]!.output!;
    expect(written.endsWith('smtp-plain.pcap.sessions.json')).toBe(true);
    const json = JSON.parse(readFileSync(written, 'utf8'));
    expect(json.redacted).toMatch(/session JSON/);
    expect(Array.isArray(json.sessions)).toBe(true);
    expect(json.sessions.length).toBeGreaterThan(0);
    // Every address of the capture's sessions is a pseudonym (or was already a documentation address).
    for (const s of json.sessions) for (const endpoint of [s.client, s.server]) expect(redactText(endpoint, map)).toBe(endpoint);
  });

  it('a capture whose packets carry a PEM certificate is still a capture (its magic number says so), not a certificate file', async () => {
    // A message with a certificate pasted in its body: the PEM armour is in the capture's first bytes.
    const c = new Conversation({ ip: '192.0.2.10', port: 40000 }, { ip: '198.51.100.25', port: 25 })
      .server('220 mail.contoso.com ESMTP\r\n')
      .client('EHLO client.fabrikam.com\r\n')
      .server('250 mail.contoso.com\r\n')
      .client('MAIL FROM:<alice@fabrikam.com>\r\nRCPT TO:<bob@contoso.com>\r\nDATA\r\n')
      .server('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n')
      .client('Subject: our certificate\r\n\r\n-----BEGIN CERTIFICATE-----\r\nMIIBfake\r\n-----END CERTIFICATE-----\r\n.\r\n')
      .server('250 2.0.0 Ok\r\n')
      .close();
    const dir = tempDir('redact-pcap-pem');
    writeFileSync(join(dir, 'with-pem.pcap'), pcapFile(c.frames()));
    const out = tempDir('redact-pcap-pem-out');
    const { files } = await redactPaths([dir], out);
    expect(files[0]!.note).toMatch(/^capture: .*session JSON/);
    const json = JSON.parse(readFileSync(files[0]!.output!, 'utf8'));
    expect(json.sessions).toHaveLength(1);
    expect(json.sessions[0].transactions[0].rcptTo.length).toBe(1);
  });

  it('UTF-16 exports stay UTF-16 with their byte-order mark, and the reader still reads them', async () => {
    const out = tempDir('redact-utf16-out');
    await redactPaths(['test/fixtures/powershell/clixml/get-inboundconnector-utf16.xml'], out);
    const name = readdirSync(out)[0]!;
    const bytes = readFileSync(join(out, name));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const loaded = await loadCase([out]);
    expect(loaded.case.inputs[0]).toMatchObject({ kind: 'powershell-clixml', records: 2 });
  });
});

describe('mailflow-doctor redact (CLI)', () => {
  it('writes the copy and the map, reuses the map, and --reverse turns a redacted report back', async () => {
    const base = tempDir('redact-cli');
    const out = join(base, 'shared');
    const mapFile = join(base, 'map.json');
    const first = await runMain('redact', 'examples/s1-provider-wildcard', '--out', out, '--map', mapFile);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Redacted 1 file\(s\) into .*shared/);
    expect(existsSync(join(out, 'topology.yaml'))).toBe(true);
    const redactedTopology = readFileSync(join(out, 'topology.yaml'), 'utf8');
    expect(redactedTopology).not.toMatch(/varunagroup|setebos|81\.173\.212/i);
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    expect(map.schema).toBe('mailflow-doctor/redaction-map@1');

    const second = await runMain('redact', 'examples/s1-provider-wildcard', '--out', join(base, 'again'), '--map', mapFile);
    expect(second.stdout).toMatch(/reusing the map/);
    expect(readFileSync(join(base, 'again', 'topology.yaml'), 'utf8')).toBe(redactedTopology);

    const report = await runMain('diagnose', out, '--format', 'json', '--at', '2026-11-22T12:00:00Z');
    writeFileSync(join(base, 'answer.json'), report.stdout);
    const back = await runMain('redact', '--reverse', '--map', mapFile, join(base, 'answer.json'));
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/varunagroup\.onmicrosoft\.com/);
    expect(back.stdout).not.toMatch(/customer-\d\.example|tenant\d\.onmicrosoft/);
  });

  it('the default map goes beside the output folder, never inside the copy one shares', async () => {
    const base = tempDir('redact-cli-default');
    mkdirSync(join(base, 'in'));
    copyFileSync('test/fixtures/topology/contoso.yaml', join(base, 'in', 'contoso.yaml'));
    const r = await runMain('redact', join(base, 'in'), '--out', join(base, 'out'));
    expect(r.code).toBe(0);
    expect(existsSync(join(base, 'out-redaction-map.json'))).toBe(true);
    // File names are redacted like any text: the customer's name is not in the copy's file name either.
    const names = readdirSync(join(base, 'out'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.yaml$/);
    expect(names[0]).not.toMatch(/contoso/i);
  });

  it('usage errors: no --out, --reverse without --map', async () => {
    expect((await runMain('redact', 'examples/s1-provider-wildcard')).code).toBe(2);
    const r = await runMain('redact', '--reverse');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--map FILE/);
  });
});
