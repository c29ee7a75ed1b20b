import { describe, expect, it } from 'vitest';
import type { Finding, FindingSubject } from '../../src/rules/finding.js';
import { CmdletError } from '../../src/engine/cmdlet-change.js';
import { qualifyIdentity } from '../../src/fix-verification.js';
import { whatIf } from '../../src/whatif.js';
import { AT, commands, diagnose, exampleTopology, fixtureTopology, loadTopology, variant, withCertificate } from './rule-test-kit.js';

/**
 * Issue 12 item 1: a fix is printed only when the simulator proves it. For each rule's must-fire
 * case, the first fix's commands applied with the what-if must make the finding go away (no finding
 * of that rule for the same primary subject) and add no error finding.
 */

const SMTP = '6666666666666666666666666666666666666666';
const HOSTING = '8888888888888888888888888888888888888888';
const DIGICERT = 'CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US';
const RELAY = fixtureTopology('onprem-relay.yaml');
const withFqdn = (yaml: string, fqdn: string): string => variant(yaml, 'RequireTLS: true', `RequireTLS: true\n        Fqdn: ${fqdn}`);
/**
 * The relay fixture whose send connector names the SMTP certificate by TlsCertificateName after it
 * expired (M2: still presented), with a renewed one (the hosting certificate re-issued for
 * smtp.contoso.com) installed beside it.
 */
function renewedBesideExpired(): string {
  let yaml = variant(withCertificate(withFqdn(RELAY, 'smtp.contoso.com'), SMTP, 'NotAfter', '2026-10-31T23:59:59Z'), 'Fqdn: smtp.contoso.com', `TlsCertificateName: "<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US"`);
  yaml = withCertificate(yaml, HOSTING, 'Subject', 'CN=smtp.contoso.com');
  yaml = withCertificate(yaml, HOSTING, 'CertificateDomains', '[smtp.contoso.com]');
  return withCertificate(yaml, HOSTING, 'NotAfter', '2027-11-30T23:59:59Z');
}

/**
 * S2 as a new user met it (issue 12): the relay send connector presents the server's self-signed
 * CN=EX01 certificate (Exchange's default one, for the server's names), while the public
 * certificate for smtp.contoso.com is installed on the same server.
 */
function s2SelfSigned(): string {
  const yaml = variant(exampleTopology('s2-cert-connector-after'), 'Certificates: [9F8E7D6C5B4A39281706F5E4D3C2B1A098765432]', 'Certificates: [9F8E7D6C5B4A39281706F5E4D3C2B1A098765432, 1111AAAA2222BBBB3333CCCC4444DDDD5555EEEE]');
  return variant(
    yaml,
    'certificates:\n',
    'certificates:\n  - Thumbprint: 1111AAAA2222BBBB3333CCCC4444DDDD5555EEEE\n    Subject: CN=EX01\n    CertificateDomains: [EX01, ex01.corp.contoso.com]\n    Issuer: CN=EX01\n    NotBefore: 2025-01-01T00:00:00Z\n    NotAfter: 2030-01-01T00:00:00Z\n    IsSelfSigned: true\n    HasPrivateKey: true\n    Services: IMAP, POP, IIS, SMTP\n',
  );
}

const sameSubject = (a: FindingSubject | undefined, b: FindingSubject | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

function firstFinding(yaml: string, rule: string): Finding {
  const f = diagnose(yaml).findings.find((x) => x.rule === rule || (x as { related?: string[] }).related?.includes(rule));
  expect(f, `${rule} fires`).toBeDefined();
  return f!;
}

/** Applies the first fix with the what-if and checks the finding is resolved and nothing is added. */
function expectResolvedBy(yaml: string, rule: string): void {
  const f = firstFinding(yaml, rule);
  const cmds = commands(f);
  expect(cmds.length, `${rule} has a command in its first fix`).toBeGreaterThan(0);
  for (const c of cmds) expect(c, 'no placeholder inside a command').not.toMatch(/<(?!I>|S>)[^>]*>/);
  expect(f.fixVerification?.status, f.fixVerification?.text).toBe('verified');
  const c = loadTopology(yaml);
  // An admin runs the command in one organization's (or tenant's) shell; the what-if needs `Scope\Name` when the name is shared.
  const scope = f.subjects[0]?.organization ?? f.subjects[0]?.tenant ?? '';
  let r;
  try {
    r = whatIf(c, cmds, { at: AT });
  } catch (e) {
    if (!(e instanceof CmdletError)) throw e;
    r = whatIf(c, cmds.map((x) => qualifyIdentity(x, scope)), { at: AT });
  }
  const primary = f.subjects[0];
  expect(r.after.findings.filter((x) => x.rule === f.rule && sameSubject(x.subjects[0], primary)), `${rule} resolved`).toEqual([]);
  const before = new Set(r.before.findings.map((x) => `${x.rule}|${JSON.stringify(x.subjects[0])}`));
  const addedErrors = r.after.findings.filter((x) => x.severity === 'error' && !before.has(`${x.rule}|${JSON.stringify(x.subjects[0])}`));
  expect(addedErrors.map((x) => `${x.rule}: ${x.message}`), 'no error added').toEqual([]);
}

describe('fixes are verified by simulation before they are printed (issue 12 item 1)', () => {
  const MUST_FIRE: [string, () => string][] = [
    ['inbound-cert-name-overmatch', () => exampleTopology('s1-provider-wildcard')],
    ['send-connector-fqdn-certificate-mismatch', () => exampleTopology('s1-provider-wildcard')],
    ['cert-connector-no-client-certificate', () => exampleTopology('s2-cert-connector-after')],
    ['cert-connector-name-mismatch', () => s2SelfSigned()],
    ['certificate-expired', () => renewedBesideExpired()],
    ['hybrid-routing-domain-authoritative', () => variant(variant(exampleTopology('clean-hybrid'), 'DomainType: InternalRelay', 'DomainType: Authoritative'), 'AdminDisplayVersion: Version 15.2 (Build 1748.10)', 'AdminDisplayVersion: Version 14.3 (Build 123.4)')],
  ];
  for (const [rule, yaml] of MUST_FIRE) {
    it(`${rule}: the first fix, applied by what-if, resolves the finding and adds no error`, () => expectResolvedBy(yaml(), rule));
  }

  it('S2 regression: the first fix names the installed public certificate on the send connector, never the self-signed server name on the connector (M3)', () => {
    for (const yaml of [exampleTopology('s2-cert-connector-after'), s2SelfSigned()]) {
      const d = diagnose(yaml);
      const s2 = d.findings.filter((f) => f.rule === 'cert-connector-no-client-certificate' || f.rule === 'cert-connector-name-mismatch');
      expect(s2.length).toBeGreaterThan(0);
      expect(commands(s2[0]!)[0]).toBe(`Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>${DIGICERT}<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US'`);
      expect(s2[0]!.fix[0]!.where).toBe('Exchange Management Shell');
      const everyCommand = d.findings.flatMap((f) => [...commands(f), ...(f.alternatives ?? []).flatMap((a) => a.fix.flatMap((s) => (s.command ? [s.command] : [])))]);
      expect(everyCommand.filter((c) => /TlsSenderCertificateName\s+'?ex01/i.test(c))).toEqual([]);
    }
  });

  it('a candidate the simulation rejects is never shown: repointing the connector at the self-signed name is refused', () => {
    const yaml = s2SelfSigned();
    const r = whatIf(loadTopology(yaml), ["Set-InboundConnector -Identity 'On-premises relay (certificate)' -TlsSenderCertificateName ex01"], { at: AT });
    // M3: a self-signed certificate never matches, so the relay stays rejected (5.7.64).
    expect(r.after.simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!.outcome).toBe('rejected');
    const f = firstFinding(yaml, 'cert-connector-name-mismatch');
    expect([f.fix, ...(f.alternatives ?? []).map((a) => a.fix)].flat().some((s) => s.command?.includes('-TlsSenderCertificateName ex01'))).toBe(false);
  });

  it('S1: the write-up fix (Fqdn on the Edge send connector, then TlsSenderCertificateName) resolves the S1 findings and adds no error', () => {
    const yaml = exampleTopology('s1-provider-wildcard');
    const r = whatIf(
      loadTopology(yaml),
      ["Set-SendConnector -Identity 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -Fqdn smtpo365.varunagroup.de", "Set-InboundConnector -Identity 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -TlsSenderCertificateName smtpo365.varunagroup.de"],
      { at: AT },
    );
    for (const rule of ['inbound-cert-name-overmatch', 'relay-through-foreign-tenant']) {
      expect(r.before.findings.some((f) => f.rule === rule), `${rule} before`).toBe(true);
      expect(r.after.findings.filter((f) => f.rule === rule), `${rule} after`).toEqual([]);
    }
    const before = new Set(r.before.findings.map((x) => `${x.rule}|${JSON.stringify(x.subjects[0])}`));
    expect(r.after.findings.filter((x) => x.severity === 'error' && !before.has(`${x.rule}|${JSON.stringify(x.subjects[0])}`))).toEqual([]);
  });

  it('every fix step with a command says where to run it and holds no <placeholder>; every finding with a fix carries its proof', () => {
    const yamls = ['s1-provider-wildcard', 's2-cert-connector-before', 's2-cert-connector-after', 's3-shared-certificate', 's3-shared-ip'].map(exampleTopology);
    for (const yaml of [...yamls, s2SelfSigned(), renewedBesideExpired()]) {
      for (const f of diagnose(yaml).findings) {
        if (f.fix.length > 0) expect(f.fixVerification, f.rule).toBeDefined();
        expect((f as { candidates?: unknown }).candidates, 'candidates are not part of the output').toBeUndefined();
        for (const s of [...f.fix, ...(f.alternatives ?? []).flatMap((a) => a.fix)]) {
          if (!s.command || /^(Get|Test)-/.test(s.command)) continue;
          expect(s.where, `${f.rule}: ${s.command}`).toBeDefined();
          expect(s.command, f.rule).not.toMatch(/<(?!I>|S>)[^>]*>/);
        }
      }
    }
  });

  it('flows a finding explains are its subjects, so flow-fails does not report them again (RULES.md v2 flow-fails)', () => {
    const d = diagnose(exampleTopology('s2-cert-connector-after'));
    const relay = d.simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(relay.outcome).toBe('rejected');
    expect(d.findings.filter((f) => f.rule === 'flow-fails')).toEqual([]);
  });
});
