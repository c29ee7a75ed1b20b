import { describe, expect, it } from 'vitest';
import { buildJsonReport } from '../../src/report/report-json.js';
import { renderText } from '../../src/report/render-text.js';
import { diagnoseWithEvidence, headerMessage, hop, session, traceRow } from '../rules/evidence-kit.js';

describe('evidence in the report', () => {
  it('counts traced messages, routes, sessions and header sets as read', () => {
    const rows = [1, 2, 3].map((i) => traceRow({ sender: `u${i}@contoso.com`, recipient: 'x@fabrikam.com' }));
    const other = traceRow({ sender: 'a@contoso.com', recipient: 'y@tailspintoys.com' });
    const d = diagnoseWithEvidence(null, { traces: [...rows, other], sessions: [session(), session()], messages: [headerMessage({ hops: [hop({ by: 'a', kind: 'other' })] })] });
    // Three rows of one route (same domains, status and address) and one of another.
    expect(buildJsonReport(d).evidence).toEqual({ traceMessages: 4, traceRoutes: 2, smtpSessions: 2, sessionKinds: 1, headerMessages: 1 });
    expect(renderText(d)).toContain('evidence: 4 traced message(s) on 2 route(s), 2 SMTP session(s), 1 message header set(s)');
  });

  it('is absent when the case holds no evidence files', () => {
    const d = diagnoseWithEvidence(null, {});
    delete d.case.evidence;
    expect(buildJsonReport(d).evidence).toBeUndefined();
  });
});
