import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../src/ingest/load-case.js';
import type { CapturedCertificate } from '../../src/model/capture.js';
import type { Case } from '../../src/model/case.js';
import { compareWithCase, routeFlow } from '../../src/probe/probe-case.js';
import { probeVerdict } from '../../src/probe/probe-verdict.js';
import { ROOT } from '../helpers/run-cli.js';
import { CLIENT_CERT, OPTIONS, reply, result, tls } from './probe-fixtures.js';

/**
 * `probe --case`: the simulator's prediction for the route beside the probe's answer
 * (examples/clean-hybrid: contoso.com → contoso.mail.onmicrosoft.com is attributed by the
 * certificate mail.contoso.com to the OnPremises connector, EXO-SEMANTICS M4). A disagreement is
 * worded as RULES.md's evidence-contradicts-model.
 */
const FROM = 'alice@contoso.com';
const TO = 'bob@contoso.mail.onmicrosoft.com';
const AT = new Date('2026-11-22T00:00:00Z');
const MODEL_CERT: CapturedCertificate = { ...CLIENT_CERT, commonName: 'mail.contoso.com', sha1: '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567' };

let c: Case;
beforeAll(async () => {
  c = (await loadCase([join(ROOT, 'examples/clean-hybrid')])).case;
});

function probed(rcpt: string, cert = MODEL_CERT) {
  const r = result({ tls: tls({ clientCertificates: [cert] }) });
  r.replies.push(reply('RCPT', rcpt));
  return { r, v: probeVerdict(r, OPTIONS, AT) };
}

describe('probe --case (model beside the answer)', () => {
  it('the model predicts the OnPremises connector; a 250 with the model\'s certificate agrees', () => {
    const flow = routeFlow(c, FROM, TO, AT);
    expect(flow).not.toBeNull();
    const { r, v } = probed('250 2.1.5 Recipient OK');
    const cmp = compareWithCase(flow, r, v, 'examples/clean-hybrid');
    expect(cmp.json.predicted).toMatchObject({ outcome: 'accepted' });
    expect(cmp.json.predicted!.text).toMatch(/contoso\.onmicrosoft\.com via "Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433" \(OnPremises\)/);
    expect(cmp.json.agrees).toBe(true);
    expect(cmp.lines).toContain('  the probe agrees with the model');
  });

  it('550 5.7.64 where the model predicts acceptance: evidence-contradicts-model (warning)', () => {
    const { r, v } = probed('550 5.7.64 TenantAttribution; Relay Access Denied');
    const cmp = compareWithCase(routeFlow(c, FROM, TO, AT), r, v, 'examples/clean-hybrid');
    expect(cmp.json.agrees).toBe(false);
    expect(cmp.json.finding).toMatchObject({ rule: 'evidence-contradicts-model', severity: 'warning' });
    expect(cmp.json.finding!.message).toMatch(/^The probe shows RCPT TO answered "550 5\.7\.64 TenantAttribution; Relay Access Denied" for mail from contoso\.com to contoso\.mail\.onmicrosoft\.com, but the simulation of the estate predicts accepted: contoso\.onmicrosoft\.com via/);
  });

  it('accepted, but with another certificate than the model\'s sender presents: a disagreement on the certificate', () => {
    const { r, v } = probed('250 2.1.5 Recipient OK', CLIENT_CERT);
    const cmp = compareWithCase(routeFlow(c, FROM, TO, AT), r, v, 'examples/clean-hybrid');
    expect(cmp.json.agrees).toBe(false);
    expect(cmp.json.finding!.message).toContain(`The probe presented the certificate ${CLIENT_CERT.sha1}, while the estate's sender for this route presents`);
  });

  it('no answer (timeout): nothing to compare, no finding', () => {
    const r = result({ failure: { kind: 'timeout', during: 'RCPT', message: 'no reply within 1 s' } });
    const cmp = compareWithCase(routeFlow(c, FROM, TO, AT), r, probeVerdict(r, OPTIONS, AT), 'x');
    expect(cmp.json).toMatchObject({ agrees: null, finding: null });
  });
});
