import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/ingest/byte-source.js';
import { EvidenceCollector } from '../../../src/ingest/evidence/evidence-collector.js';
import { TRACE_COARSE_GROUPS_KEPT, TRACE_GROUPS_KEPT } from '../../../src/ingest/evidence/trace-groups.js';
import { traceEvidenceReader } from '../../../src/ingest/trace/trace-evidence-reader.js';
import type { Observed, TraceObservation } from '../../../src/model/evidence.js';
import { diagnoseWithEvidence, traceRow } from '../../rules/evidence-kit.js';

// Issue 13: memory must not follow the number of distinct routes "whatever the size". Beyond
// TRACE_GROUPS_KEPT routes a new route joins a coarser group; every row stays counted, and a
// coarse group must not show one client address for rows from many (unknown is not false).

/** A distinct client address per i (10.x.y.z). */
const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** TRACE_GROUPS_KEPT rows of distinct routes (each another client): the bound is reached. */
function fillBound(add: (o: TraceObservation) => void): void {
  for (let i = 0; i < TRACE_GROUPS_KEPT; i++) add(traceRow({ sender: 'a@fabrikam.com', recipient: 'b@contoso.com', clientIp: ip(i), source: { file: 'trace.csv', line: i + 2 } }));
}

const total = (groups: Observed<TraceObservation>[]): number => groups.reduce((n, g) => n + g.count, 0);

describe('trace groups are bounded (issue 13)', () => {
  it('beyond the bound, rows of new routes from many clients are counted in one group that names no client', () => {
    const c = new EvidenceCollector();
    fillBound((o) => c.trace(o));
    const later = 5000;
    for (let i = 0; i < later; i++) {
      c.trace(traceRow({ sender: `u${i}@northwind.com`, recipient: 'b@contoso.com', clientIp: ip(TRACE_GROUPS_KEPT + i), clientHostname: `h${i}.northwind.com`, source: { file: 'trace.csv', line: TRACE_GROUPS_KEPT + i + 2 } }));
    }
    // A known route (its client among the first) still joins its own group.
    c.trace(traceRow({ sender: 'z@fabrikam.com', recipient: 'b@contoso.com', clientIp: ip(7) }));
    const notice = c.traceGroupingNotice('trace.csv');
    const groups = c.finish().traces;
    expect(total(groups)).toBe(TRACE_GROUPS_KEPT + later + 1);
    expect(groups).toHaveLength(TRACE_GROUPS_KEPT + 1);
    expect(groups[7]!.count).toBe(2);
    const coarse = groups[TRACE_GROUPS_KEPT]!;
    expect(coarse.count).toBe(later);
    expect(coarse.sample.clientIp).toBeNull();
    expect(coarse.sample.clientHostname).toBeNull();
    // The domains are still part of its key: the sample's sender stands for the domain, as in any group.
    expect(coarse.sample.sender).toBe('u0@northwind.com');
    expect(notice?.severity).toBe('warning');
    expect(notice?.message).toContain(`more than ${TRACE_GROUPS_KEPT.toLocaleString('en-US')} distinct trace routes`);
    expect(notice?.message).toContain(`${later.toLocaleString('en-US')} rows`);
    expect(notice?.message).toContain('without their client address');
    expect(c.traceGroupingNotice('other.csv')).toBeNull();
  });

  it('a coarse group whose rows all came from one client keeps it', () => {
    const c = new EvidenceCollector();
    fillBound((o) => c.trace(o));
    for (let i = 0; i < 3; i++) c.trace(traceRow({ sender: `u${i}@northwind.com`, recipient: 'b@contoso.com', status: 'Failed', clientIp: '192.0.2.9', clientHostname: 'mx.northwind.com' }));
    const coarse = c.finish().traces.at(-1)!;
    expect(coarse.count).toBe(3);
    expect(coarse.sample).toMatchObject({ clientIp: '192.0.2.9', clientHostname: 'mx.northwind.com' });
  });

  it('hostile input (every row another client and sender domain) stays bounded at every level, and every row is counted', () => {
    const c = new EvidenceCollector();
    fillBound((o) => c.trace(o));
    const later = 2 * TRACE_COARSE_GROUPS_KEPT + 5000;
    for (let i = 0; i < later; i++) {
      c.trace(traceRow({ sender: `u@d${i}.example`, recipient: `r@e${i}.example`, status: `S${i}`, clientIp: ip(TRACE_GROUPS_KEPT + i) }));
    }
    const notice = c.traceGroupingNotice('trace.csv');
    const groups = c.finish().traces;
    expect(total(groups)).toBe(TRACE_GROUPS_KEPT + later);
    expect(groups.length).toBeLessThanOrEqual(TRACE_GROUPS_KEPT + 2 * TRACE_COARSE_GROUPS_KEPT + 2);
    // The last resort holds one origin's rows: no route part of one row is claimed for them.
    const last = groups.at(-1)!;
    expect(last.count).toBe(5000);
    expect(last.sample).toMatchObject({ clientIp: null, sender: null, recipient: null, status: null, response: null, tenantId: null, inboundConnector: null });
    expect(notice?.message).toContain(`${later.toLocaleString('en-US')} rows`);
    expect(notice?.message).toContain('by origin alone');
  });

  it("the trace reader's report says so, once, on the file", async () => {
    const header = '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"\r\n';
    const rows: string[] = [];
    const n = TRACE_GROUPS_KEPT + 300;
    for (let i = 0; i < n; i++) {
      const id = String(i).padStart(12, '0');
      rows.push(`"11/10/2026 9:00:00 AM","a@fabrikam.com","b@contoso.com","s","Delivered","","${ip(i)}","100","<m${i}@fabrikam.com>","0000aaaa-1a2b-4c3d-8e9f-${id}"\r\n`);
    }
    const c = new EvidenceCollector();
    const report = await traceEvidenceReader.read(bytesSource('memory:big-trace.csv', Buffer.from(header + rows.join(''))), c, {});
    expect(report.records).toBe(n);
    const notices = report.diagnostics.filter((d) => d.message.includes('distinct trace routes'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.location).toBe('memory:big-trace.csv');
    expect(notices[0]!.message).toContain('300 rows');
    const groups = c.finish().traces;
    expect(total(groups)).toBe(n);
    expect(groups).toHaveLength(TRACE_GROUPS_KEPT + 1);
  }, 30_000);
});

describe('a coarse group makes no rule conclude on an address it never saw (unknown is not false)', () => {
  it('ip-blocklisted (S4.8): refusals of many clients grouped coarsely are not laid on the first client', () => {
    const traces: TraceObservation[] = [];
    fillBound((o) => traces.push(o));
    const refused = { code: 550, command: null, enhanced: '5.7.606', text: 'Access denied, banned sending IP' };
    // 40 different clients, one refusal each, all after the bound: one coarse group.
    for (let i = 0; i < 40; i++) traces.push(traceRow({ sender: 'x@northwind.com', recipient: 'b@contoso.com', status: 'Failed', response: refused, clientIp: `198.51.100.${i + 1}` }));
    const findings = diagnoseWithEvidence(null, { traces }).ruleFindings!.filter((f) => f.rule === 'ip-blocklisted');
    expect(findings.flatMap((f) => f.subjects.map((s) => s.name))).not.toContain('198.51.100.1');
    // Every refusal is still counted, against an address the evidence does not single out.
    expect(findings).toHaveLength(1);
    expect(findings[0]!.subjects).toEqual([{ type: 'Host', name: '(unknown address)' }]);
    expect(findings[0]!.message).toMatch(/^40 refusals/);
  }, 60_000);
});

describe('the message tracking log says when its refusals were grouped coarsely', () => {
  it('one warning on the log past the bound, every refusal counted', async () => {
    const { trackingLogReader } = await import('../../../src/ingest/exchange-log/read-tracking-log.js');
    const header = [
      '#Software: Microsoft Exchange Server',
      '#Version: 15.02.1748.010',
      '#Log-type: Message Tracking Log',
      '#Date: 2026-11-20T09:00:00.004Z',
      '#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version',
    ];
    const reply = '550 5.7.64 TenantAttribution; Relay Access Denied';
    const extra = 3;
    const rows: string[] = [];
    // Each refusal to another recipient domain: a distinct route (the domains are part of it).
    for (let i = 0; i < TRACE_GROUPS_KEPT + extra; i++) {
      rows.push(`2026-11-20T09:00:00.262Z,203.0.113.10,EX01,198.51.100.25,mx.example,"${reply}",Outbound via Office 365,SMTP,FAIL,${i + 1},<m${i}@contoso.com>,,r@d${i}.example,"${reply}",4521,1,,,,alice@contoso.com,alice@contoso.com,,Originating,,203.0.113.10,198.51.100.25,,Email,,15.02.1748.010`);
    }
    const sink = new EvidenceCollector();
    const report = await trackingLogReader.read(bytesSource('MSGTRK2026112009-1.LOG', Buffer.from([...header, ...rows, ''].join('\r\n'))), sink, {});
    const warnings = report.diagnostics.filter((d) => /distinct trace routes/.test(d.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(`${extra} rows`);
    expect(total(sink.finish().traces)).toBe(TRACE_GROUPS_KEPT + extra);
  }, 60_000);
});

describe('rows share a group exactly when their route keys are equal (traceKey)', () => {
  it('replies count by code and enhanced code only: a missing enhanced code equals an empty one, NaN codes equal each other', async () => {
    const { TraceGroups, traceKey } = await import('../../../src/ingest/evidence/trace-groups.js');
    const reply = (code: number, enhanced: string | null, text = 'x') => ({ code, command: null, enhanced, text });
    const responses = [null, reply(550, '5.7.64'), reply(550, '5.7.64', 'other text'), reply(550, '5.7.640'), reply(550, null), reply(550, ''), reply(551, '5.7.64'), reply(NaN, null), reply(NaN, null), reply(0, null), reply(-0, null), reply(55, '0 5.7.64')];
    const g = new TraceGroups();
    const rows = responses.map((response, i) => traceRow({ sender: 'a@fabrikam.com', recipient: 'b@contoso.com', status: 'Failed', response, source: { file: 'trace.csv', line: i + 2 } }));
    for (const r of rows) g.add(r);
    // The groups are those of a Map keyed by the whole key text, in first-seen order.
    const byKey = new Map<string, number>();
    for (const r of rows) byKey.set(traceKey(r), (byKey.get(traceKey(r)) ?? 0) + 1);
    expect(g.groups().map((x) => x.count)).toEqual([...byKey.values()]);
    expect(g.groups()).toHaveLength(8);
  });
});
