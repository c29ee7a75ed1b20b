import { diagnoseCase } from '../../src/diagnose.js';
import type { Case } from '../../src/model/case.js';
import { emptyEvidence, type HeaderMessageObservation, type Observed, type StatusObservation } from '../../src/model/evidence.js';
import type { Finding } from '../../src/rules/finding.js';
import { AT, loadTopology } from './rule-test-kit.js';

/**
 * For the M12 rule tests (direct-send-rejected, onprem-server-out-of-date,
 * connector-or-tenant-blocked): a rule's own findings (before grouping), and recognised statuses
 * as the evidence readers hand them over (NDR-CATALOG texts, one group each).
 */

export function ruleFindings(c: Case | string, ruleId: string, at: Date = AT): Finding[] {
  const theCase = typeof c === 'string' ? loadTopology(c) : c;
  return diagnoseCase(theCase, { at }).ruleFindings!.filter((f) => f.rule === ruleId);
}

export function status(text: string, code: string, rules: string[], p: Partial<StatusObservation> = {}): Observed<StatusObservation> {
  const sample: StatusObservation = {
    status: { entryId: code, basicCode: Number(text.slice(0, 3)) || null, enhancedCode: code, markers: [], text, offset: 0 },
    rules,
    origin: 'ndr',
    at: '2026-11-01T10:00:00Z',
    sender: 'alice@contoso.com',
    recipient: 'bob@contoso.com',
    connector: null,
    remoteHost: null,
    remoteIp: null,
    clientIp: null,
    lastError: null,
    tenantId: null,
    source: { file: 'ndr.eml', line: 12 },
    ...p,
  };
  return { sample, count: 1, first: sample.at, last: sample.at, sources: [sample.source] };
}

export function withEvidence(yaml: string, statuses: Observed<StatusObservation>[], messages: HeaderMessageObservation[] = []): Case {
  const c = loadTopology(yaml);
  c.evidence = { ...emptyEvidence(), statuses, messages };
  return c;
}

export const EMPTY_TOPOLOGY = 'kind: mailflow-topology\nversion: 1\n';
