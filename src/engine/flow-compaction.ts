import type { FlowResult } from './flow-types.js';

/**
 * A finished flow is kept until the report is written (a provider's estate: tens of thousands),
 * so it is stored compactly once its walk ends. Nothing observable changes: same values, same
 * order; only how the engine holds them.
 *
 * - Texts built from pieces (`${a} … ${b}`) are held by V8 as trees of the pieces. Writing the
 *   report joins each into one buffer, and for a flow that by then lives in the long-lived heap
 *   that costs a second copy there, plus the tree. Joined now, while the flow is new, the tree
 *   is dropped by the next minor collection and the report has nothing left to join.
 * - Lists filled with push() keep room for ~17 entries; a flow's lists hold one or two. An exact
 *   copy frees the rest. The walk is over, so nothing appends to them any more.
 */
export function compactFlow(flow: FlowResult): void {
  flow.origin = joined(flow.origin);
  if (flow.destination !== null) flow.destination = joined(flow.destination);
  flow.conclusion = joined(flow.conclusion);
  if (flow.response !== null) flow.response = joined(flow.response);
  flow.tenants = compactTexts(flow.tenants);
  flow.anomalies = compactTexts(flow.anomalies);
  flow.assumptions = compactTexts(flow.assumptions);
  flow.journalReports = flow.journalReports.slice();
  flow.hops = flow.hops.slice();
  for (const hop of flow.hops) {
    hop.from = joined(hop.from);
    hop.decisions = compactTexts(hop.decisions);
    hop.attribution.reason = joined(hop.attribution.reason);
  }
}

function compactTexts(list: string[]): string[] {
  return list.map(joined);
}

/**
 * The same string, stored as one buffer: converting a string to a number makes V8 flatten it in
 * place (the value of the conversion is not needed).
 */
function joined(s: string): string {
  void Number(s);
  return s;
}
