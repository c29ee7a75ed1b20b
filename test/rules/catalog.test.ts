import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { diagnose, exampleTopology } from './rule-test-kit.js';

/** RULES.md, both tables: every id with its severity. */
const DOCUMENTED: Record<string, string> = {
  'inbound-cert-name-overmatch': 'error',
  'relay-through-foreign-tenant': 'error',
  'shared-identity-tenant-and-internet-route': 'error',
  'cert-connector-no-client-certificate': 'error',
  'cert-connector-name-mismatch': 'error',
  'certificate-expired': 'error',
  'certificate-untrusted': 'error',
  'certificate-no-private-key': 'error',
  'send-connector-fqdn-certificate-mismatch': 'warning',
  'connector-stale-certificate-reference': 'error',
  'ip-connector-foreign-sender-domains': 'warning',
  'hybrid-routing-domain-authoritative': 'error',
  'third-party-gateway-in-hybrid-path': 'warning',
  'eop-ip-ranges-outdated': 'warning',
  'hybrid-remote-domain-misconfigured': 'warning',
  'connector-identity-matches-several-tenants': 'error',
  'flow-expectation-failed': 'error',
  'trace-foreign-mail-via-onprem-connector': 'error',
  'tenant-attribution-rejected': 'error',
  'capture-no-client-certificate': 'error',
  'starttls-masked': 'error',
  'tls-weak-version': 'warning',
  'message-not-internal': 'warning',
  'eop-source-ip-not-preserved': 'error',
  'evidence-contradicts-model': 'warning',
  'ip-blocklisted': 'error',
  'exo-to-onprem-tls-validation-fails': 'error',
  'exo-to-onprem-starttls-unavailable': 'error',
  'exo-to-onprem-connection-fails': 'error',
  'exo-lands-on-wrong-receive-connector': 'warning',
  'cmt-inbound-relay-denied': 'error',
  'certificate-not-enabled-for-smtp': 'error',
  'flow-fails': 'error',
  'onprem-to-exo-tls-validation-fails': 'error',
  'legacy-or-wrong-exo-endpoint': 'error',
  'recipient-blocked-by-dbeb': 'error',
  'cross-premises-trust-disabled': 'error',
  'routing-loop': 'error',
  'relay-cert-domain-not-immediate-parent': 'error',
  'ip-connector-unsupported-range': 'error',
  'direct-send-rejected': 'error',
  'onprem-server-out-of-date': 'error',
  'connector-or-tenant-blocked': 'error',
  'trace-onprem-send-tls-error': 'error',
  'trace-message-expired': 'error',
  'trace-recipient-not-found': 'info',
  'trace-ip-throttled': 'warning',
  'trace-dane-mtasts-failure': 'warning',
  'trace-mixed-region-deferral': 'info',
  'trace-allow-list-relay-block': 'error',
  'partner-connector-restriction-rejects': 'error',
  'partner-connector-scope-risk': 'warning',
  'certificate-expiring-soon': 'warning',
  'enhanced-filtering-missing': 'warning',
  'enhanced-filtering-unsupported-config': 'warning',
  'mc1226222-anti-pattern': 'warning',
};

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLES = readdirSync(join(here, '..', '..', 'examples')).filter((n) => existsSync(join(here, '..', '..', 'examples', n, 'topology.yaml')));

describe('the rule catalog', () => {
  it('holds exactly the documented rules, with their documented severities', () => {
    expect(Object.fromEntries(RULES.map((r) => [r.id, r.severity]))).toEqual(DOCUMENTED);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('has a test file for every rule', () => {
    for (const r of RULES) expect(existsSync(join(here, `${r.id}.test.ts`)), r.id).toBe(true);
  });

  it('finds nothing in the clean hybrid example', () => {
    expect(diagnose(exampleTopology('clean-hybrid')).findings).toEqual([]);
  });

  it.each(EXAMPLES)('gives findings of the contract shape on the example %s', (name) => {
    for (const f of diagnose(exampleTopology(name)).findings) {
      const rule = RULES.find((r) => r.id === f.rule);
      expect(rule, f.rule).toBeDefined();
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(f.title.length).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(0);
      expect(f.subjects.length).toBeGreaterThan(0);
      for (const s of f.subjects) {
        expect(typeof s.type).toBe('string');
        expect(s.name.length).toBeGreaterThan(0);
      }
      for (const e of f.evidence) expect(e.source.length * e.text.length).toBeGreaterThan(0);
      for (const x of f.fix) expect(x.text.length).toBeGreaterThan(0);
      for (const ref of f.references) expect(ref).toMatch(/^https:\/\//);
    }
  });
});
