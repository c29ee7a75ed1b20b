import type { DnsData, FlowExpectation, FlowOutcome, FlowSpec } from '../../model/case.js';
import { normalizeHost } from '../../model/domains.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeObjectList } from './normalize-objects.js';
import { dedupe, enumValue, ipList, isRecord, listItems, normalizeDomain, optionalBool, textList, textAt, type Raw } from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

/** DNS data: each MX or A entry is one record. Keys are lower-cased; a key repeated in another spelling is merged. */
export function normalizeDns(ctx: NormalizeContext, root: Raw): DnsData {
  const dns: DnsData = { MX: {}, A: {} };
  const section = root.dns;
  if (!isRecord(section) || ctx.hasOwnProblem(['dns'], ['MX', 'A'])) {
    if (isRecord(section)) countSkipped(ctx, section);
    return dns;
  }
  for (const kind of ['MX', 'A'] as const) {
    const table = section[kind];
    if (!isRecord(table)) continue;
    for (const [name, value] of Object.entries(table)) {
      const path: PathSegment[] = ['dns', kind, name];
      ctx.records += 1;
      if (ctx.hasOwnProblem(path)) {
        ctx.skipped += 1;
        continue;
      }
      const holder = { [name]: value };
      const values =
        kind === 'MX'
          ? listItems(holder, name, ['dns', kind])
              .map((i) => (typeof i.value === 'string' ? mxHost(i.value) : null))
              .filter((h): h is string => !!h)
          : ipList(holder, name, ['dns', kind]);
      const key = kind === 'MX' ? normalizeDomain(name) : normalizeHost(name);
      dns[kind][key] = dedupe([...(dns[kind][key] ?? []), ...values]);
    }
  }
  return dns;
}

/** `10 mx.contoso.com` (as nslookup and Resolve-DnsName show it) or a bare host. */
function mxHost(text: string): string | null {
  const host = text.trim().replace(/^\d+\s+/, '');
  return host ? normalizeHost(host) : null;
}

function countSkipped(ctx: NormalizeContext, section: Raw): void {
  for (const kind of ['MX', 'A']) {
    const table = section[kind];
    const n = isRecord(table) ? Object.keys(table).length : 0;
    ctx.records += n;
    ctx.skipped += n;
  }
}

const OUTCOMES: readonly FlowOutcome[] = ['delivered', 'rejected', 'dropped', 'looped', 'deferred'];

export function normalizeFlows(ctx: NormalizeContext, root: Raw): FlowSpec[] {
  return normalizeObjectList(ctx, root, 'flows', [], {
    label: 'flow',
    owner: 'this file',
    // Flows have no name; the same From/To twice is allowed (e.g. with different origins).
    identity: () => null,
    build: (raw, path) => normalizeFlow(ctx, raw, path),
  });
}

function normalizeFlow(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): FlowSpec {
  const expect = raw.Expect;
  let expectation: FlowExpectation | null = null;
  if (isRecord(expect)) {
    const ePath = [...path, 'Expect'];
    expectation = {
      Outcome: typeof expect.Outcome === 'string' ? enumValue(expect.Outcome, OUTCOMES, 'delivered') : null,
      NotVia: textList(ctx, expect, 'NotVia', ePath),
      Via: textList(ctx, expect, 'Via', ePath),
    };
  }
  const flow: FlowSpec = {
    From: (textAt(ctx, raw, 'From', path) ?? '').toLowerCase(),
    To: (textAt(ctx, raw, 'To', path) ?? '').toLowerCase(),
    Origin: textAt(ctx, raw, 'Origin', path) || null,
    Destination: textAt(ctx, raw, 'Destination', path) || null,
    Expect: expectation,
    provenance: ctx.provenance(path),
  };
  // CONTRACT v1.1 (M11): `RecipientExists: false` says the recipient exists nowhere; kept only when written.
  const exists = optionalBool(raw.RecipientExists);
  if (exists !== null) flow.RecipientExists = exists;
  return flow;
}
