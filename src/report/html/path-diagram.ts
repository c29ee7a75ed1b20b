import type { JsonFlow, JsonHop } from '../report-json.js';
import { clip, html, join, type Html } from './escape.js';

/**
 * A mail path as an SVG drawn at report time, top to bottom: each system the message passes
 * (on-premises server → gateway → Exchange Online with its tenant → destination) is a box, each
 * SMTP hop an arrow labelled with what Exchange Online decides on (certificate and IP presented,
 * TLS validation and the receive connector it landed on, AuthAs, and the tenant, connector and M3
 * step of the attribution). Paths are nearly linear, so a layered layout of our own suffices: one
 * column, no crossing edges, and it reads the same at 1280 px and 390 px. Where two hops do not
 * join (the message continues inside an organization or tenant) a dashed arrow says so.
 * The diagram's text is clipped; the hop table under it carries every value in full.
 */

export const WIDTH = 380;
const NODE_H = 46;
const HOP_GAP = 84;
const INTERNAL_GAP = 30;
const LABEL_CHARS = 40;
const LINE_CHARS = 54;

type NodeKind = 'srv' | 'gw' | 'exo' | 'dest';

interface PathNode {
  label: string;
  sub: string;
  kind: NodeKind;
  /** The hop arriving here (for highlighting), null for the first node and internal steps. */
  hopIn: number | null;
}

interface PathEdge {
  hop: number | null;
  lines: string[];
  fail: boolean;
}

export function isExchangeOnline(name: string): boolean {
  return /(^exchange online\b)|(\.mail\.protection\.outlook\.com$)|(\.protection\.outlook\.com$)/i.test(name.trim());
}

/** What the receiving side saw and decided on one hop. */
export function hopLines(h: JsonHop): string[] {
  const presented = `cert ${h.presented.certificate ?? 'none'} · IP ${h.presented.ip ?? 'unknown'}`;
  const tls = h.tls ? `TLS ${h.tls.offered ? h.tls.validation : `not offered (${h.tls.validation})`}${h.tls.landedOn ? ` → ${h.tls.landedOn}` : ''}` : 'TLS not modelled';
  const trust = `${tls}${h.authAs ? ` · AuthAs ${h.authAs}` : ''}`;
  const a = h.attribution;
  const attribution = a.tenant ? `⇒ ${a.tenant} via ${a.connector ? `"${a.connector}"` : 'no connector'} (${a.step ? `by ${a.step}` : a.direction})` : a.direction !== 'none' ? `⇒ ${a.direction}, no tenant` : 'no tenant attribution';
  return [presented, trust, attribution];
}

/** What a reader compares between two sides for one hop. */
export function hopSignature(h: JsonHop | undefined): string {
  if (!h) return '';
  return JSON.stringify([h.from, h.to, h.presented.certificate, h.presented.ip, h.attribution.tenant, h.attribution.connector, h.attribution.step, h.authAs, h.tls?.validation ?? null, h.tls?.landedOn ?? null]);
}

function kindOf(name: string, last: boolean): NodeKind {
  if (isExchangeOnline(name)) return 'exo';
  if (name.includes('/')) return 'srv';
  return last ? 'dest' : 'gw';
}

function subOf(kind: NodeKind, name: string, hop: JsonHop | null): string {
  if (kind === 'exo') return `Exchange Online${hop?.attribution.tenant ? ` · tenant ${hop.attribution.tenant}` : ''}`;
  if (kind === 'srv') return `Exchange server · organization ${name.slice(0, name.indexOf('/'))}`;
  if (kind === 'dest') return 'destination';
  return 'gateway / smart host';
}

export function pathLayout(f: JsonFlow): { nodes: PathNode[]; edges: PathEdge[] } {
  const nodes: PathNode[] = [];
  const edges: PathEdge[] = [];
  const failing = f.outcome !== 'delivered';
  f.hops.forEach((h, i) => {
    const prev = nodes[nodes.length - 1];
    if (!prev || prev.label !== h.from) {
      if (prev) edges.push({ hop: null, lines: ['continues inside this system'], fail: false });
      nodes.push({ label: h.from, sub: subOf(kindOf(h.from, false), h.from, null), kind: kindOf(h.from, false), hopIn: null });
    }
    const last = i === f.hops.length - 1;
    edges.push({ hop: i, lines: hopLines(h), fail: failing && last });
    const kind = kindOf(h.to, last);
    nodes.push({ label: h.to, sub: subOf(kind, h.to, h), kind, hopIn: i });
  });
  return { nodes, edges };
}

export interface PathSvgOptions {
  /** `now`, `after the fix`, `before`, `after`. */
  side: string;
  /** Hops that differ from the other side. */
  diffHops?: ReadonlySet<number>;
  diffOutcome?: boolean;
  id: string;
}

export function outcomeLabel(f: JsonFlow): string {
  return `${f.outcome}${f.response ? ` — ${f.response}` : ''}`;
}

export function renderPathSvg(f: JsonFlow, o: PathSvgOptions): Html {
  const { nodes, edges } = pathLayout(f);
  const parts: Html[] = [];
  let y = 8;
  nodes.forEach((n, i) => {
    const diff = n.hopIn !== null && o.diffHops?.has(n.hopIn) ? ' diff' : '';
    parts.push(
      html`<g class="n ${n.kind}${diff}" data-node="${i}"><title>${n.label} — ${n.sub}</title><rect x="10" y="${y}" width="${WIDTH - 20}" height="${NODE_H}" rx="6"></rect><text x="20" y="${y + 19}" font-size="13" font-weight="600">${clip(n.label, LABEL_CHARS)}</text><text class="sub" x="20" y="${y + 36}" font-size="11">${clip(n.sub, LINE_CHARS)}</text></g>`,
    );
    y += NODE_H;
    const e = edges[i];
    if (!e) return;
    const gap = e.hop === null ? INTERNAL_GAP : HOP_GAP;
    const edgeDiff = e.hop !== null && o.diffHops?.has(e.hop) ? ' diff' : '';
    const cls = `e ${e.hop === null ? 'internal' : 'hop'}${e.fail ? ' fail' : ''}${edgeDiff}`;
    const text = e.lines.map((line, j) => html`<text class="lbl" x="42" y="${y + 18 + j * 15}" font-size="11">${clip(line, LINE_CHARS)}</text>`);
    parts.push(
      html`<g class="${cls}"${e.hop !== null ? html` data-hop="${e.hop}"` : ''}><title>${e.hop !== null ? `hop ${e.hop + 1}: ` : ''}${e.lines.join('; ')}</title><line x1="28" y1="${y}" x2="28" y2="${y + gap - 7}"></line><polygon points="22,${y + gap - 8} 34,${y + gap - 8} 28,${y + gap}"></polygon>${text}</g>`,
    );
    y += gap;
  });
  y += 10;
  const ok = f.outcome === 'delivered';
  const outcome = html`<g class="outcome ${ok ? 'ok' : 'bad'}${o.diffOutcome ? ' diff' : ''}"><title>${outcomeLabel(f)}</title><rect x="10" y="${y}" width="${WIDTH - 20}" height="28" rx="14"></rect><text x="24" y="${y + 18}" font-size="12" font-weight="700">${clip(outcomeLabel(f), 46)}</text></g>`;
  y += 36;
  const label = `Mail path ${o.side}: ${f.from} to ${f.to}, ${f.hops.length} hop(s), ${outcomeLabel(f)}`;
  return html`<svg class="path-diagram" data-side="${o.side}" data-hops="${f.hops.length}" viewBox="0 0 ${WIDTH} ${y}" width="${WIDTH}" height="${y}" role="img" aria-labelledby="${o.id}-t"><title id="${o.id}-t">${label}</title>${join(parts)}${outcome}</svg>`;
}

/** Every hop in full, as a table under the diagram. */
export function hopTable(f: JsonFlow, diffHops: ReadonlySet<number> = new Set()): Html {
  const rows = f.hops.map((h, i) => {
    const [presented, trust, attribution] = hopLines(h);
    return html`<tr${diffHops.has(i) ? html` class="anomaly"` : ''}><td>${i + 1}${diffHops.has(i) ? '*' : ''}</td><td>${h.from} → ${h.to}</td><td>${presented}${h.presented.ehlo ? ` · EHLO ${h.presented.ehlo}` : ''}</td><td>${trust}</td><td>${attribution}<br><span class="muted">${h.attribution.reason}</span></td></tr>`;
  });
  const caption = diffHops.size > 0 ? html`<caption class="muted">* differs from the other side</caption>` : '';
  return html`<div class="scroll"><table>${caption}<thead><tr><th scope="col">#</th><th scope="col">hop</th><th scope="col">presented</th><th scope="col">TLS / AuthAs</th><th scope="col">attribution</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Which hops differ between two sides, and the differences in words. */
export function pathDifferences(a: JsonFlow, b: JsonFlow | null): { hops: Set<number>; outcome: boolean; text: string[] } {
  if (!b) return { hops: new Set(a.hops.map((_, i) => i)), outcome: true, text: ['the flow is no longer produced (it existed only because of the fault)'] };
  const hops = new Set<number>();
  const text: string[] = [];
  const n = Math.max(a.hops.length, b.hops.length);
  for (let i = 0; i < n; i++) {
    const x = a.hops[i];
    const y = b.hops[i];
    if (hopSignature(x) === hopSignature(y)) continue;
    hops.add(i);
    if (!x || !y) {
      text.push(`hop ${i + 1}: ${x ? `${x.from} → ${x.to}` : 'none'} / ${y ? `${y.from} → ${y.to}` : 'none'}`);
      continue;
    }
    const [, tx, ax] = hopLines(x);
    const [, ty, ay] = hopLines(y);
    const what: string[] = [];
    if (x.from !== y.from || x.to !== y.to) what.push(`${x.from} → ${x.to} becomes ${y.from} → ${y.to}`);
    if (ax !== ay) what.push(`${ax} becomes ${ay}`);
    if (tx !== ty) what.push(`${tx} becomes ${ty}`);
    if (x.presented.certificate !== y.presented.certificate || x.presented.ip !== y.presented.ip) what.push(`presents ${x.presented.certificate ?? 'no certificate'} / ${x.presented.ip ?? '?'} then ${y.presented.certificate ?? 'no certificate'} / ${y.presented.ip ?? '?'}`);
    text.push(`hop ${i + 1}: ${what.join('; ') || 'details change'}`);
  }
  const outcome = outcomeLabel(a) !== outcomeLabel(b);
  if (outcome) text.push(`outcome: ${outcomeLabel(a)} becomes ${outcomeLabel(b)}`);
  return { hops, outcome, text };
}
