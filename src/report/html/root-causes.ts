import type { Finding, FixStep } from '../../rules/finding.js';
import { mainSubject, subjectLabel } from '../report-parts.js';
import { html, join, type Html } from './escape.js';
import { documentedRules, ruleAnchor } from './rule-reference.js';

/**
 * One block per root cause (findings are already grouped by cause, src/group-findings.ts): what
 * is wrong and what it does to mail, which flows and objects it touches, the fix steps in order
 * with where to run each and how the fix was proven, other fixes, and the evidence with its file
 * and line. References are printed as text: the page links nowhere outside itself; the rule id
 * opens the rule's documentation further down the page (rule-reference.ts).
 */

/** A rule id, linked to its block of the page's rule reference when it has one. */
export function ruleLink(id: string): Html {
  return documentedRules([id]).length > 0 ? html`<a href="#${ruleAnchor(id)}"><code>${id}</code></a>` : html`<code>${id}</code>`;
}

/** Where each flow's diagram is, by `from → to` (flows named by findings link to their diagram). */
export type FlowAnchors = Map<string, string>;

const MAX_EVIDENCE_OPEN = 8;

function fixSteps(steps: readonly FixStep[]): Html {
  return html`<ol class="fix">${steps.map(
    (s) => html`<li>${s.text}${s.where ? html` <span class="where">— run in: <b>${s.where}</b></span>` : ''}${s.command ? html`<pre class="cmd"><code>${s.command}</code></pre>` : ''}</li>`,
  )}</ol>`;
}

function subjectsOf(f: Finding, anchors: FlowAnchors): Html {
  const flows = f.subjects.filter((s) => s.type === 'Flow');
  const others = f.subjects.filter((s) => s.type !== 'Flow');
  const parts: Html[] = [];
  if (others.length > 0) parts.push(html`<p><b>Objects:</b> ${join(others.map((s) => html`<code>${subjectLabel(s)}</code>`), ', ')}</p>`);
  if (flows.length > 0) {
    const items = flows.map((s) => {
      const a = anchors.get(s.name);
      return a ? html`<li><a href="#${a}">${s.name}</a></li>` : html`<li>${s.name}</li>`;
    });
    parts.push(html`<p><b>Mail affected</b> (${flows.length} flow(s)):</p><ul>${items}</ul>`);
  }
  return join(parts);
}

function evidenceOf(f: Finding): Html {
  if (f.evidence.length === 0) return html`<p class="muted">Evidence: the configuration and the simulation (no trace, log or capture line).</p>`;
  const item = (e: Finding['evidence'][number]) => html`<li>${e.text} <code class="muted">${e.source}</code></li>`;
  const first = f.evidence.slice(0, MAX_EVIDENCE_OPEN);
  const rest = f.evidence.slice(MAX_EVIDENCE_OPEN);
  return html`<h4>Evidence (${f.evidence.length})</h4><ul>${first.map(item)}</ul>${rest.length > 0 ? html`<details><summary>${rest.length} more evidence line(s)</summary><div class="body"><ul>${rest.map(item)}</ul></div></details>` : ''}`;
}

export function renderRootCause(f: Finding, n: number, anchors: FlowAnchors, preview: { anchor: string; flow: string } | null): Html {
  const related = f.related && f.related.length > 0 ? html` · grouped with ${join(f.related.map(ruleLink), ', ')}` : '';
  const message = f.message.split('\n').map((p) => html`<p>${p}</p>`);
  const verification = f.fixVerification ? html`<p><span class="badge ${f.fixVerification.status}">${f.fixVerification.status === 'verified' ? 'verified by simulation' : 'not verified'}</span> <span class="muted">${f.fixVerification.text}</span></p>` : '';
  const fix = f.fix.length > 0 ? html`<h4>Fix, in order</h4>${verification}${fixSteps(f.fix)}${preview ? html`<p>See the mail path <a href="#${preview.anchor}">now and after this fix</a> (${preview.flow}).</p>` : ''}` : html``;
  const alternatives = (f.alternatives ?? []).map((a, i) => html`<details><summary>Another fix (${i + 1}): <span class="badge ${a.verification.status}">${a.verification.status}</span></summary><div class="body"><p class="muted">${a.verification.text}</p>${fixSteps(a.fix)}</div></details>`);
  const refs = f.references.length > 0 ? html`<p class="muted">References: ${join(f.references.map((r) => html`<code>${r}</code>`), ' · ')}</p>` : '';
  return html`<article class="cause ${f.severity}" id="cause-${n}" data-rule="${f.rule}"><h3><span class="sev ${f.severity}">${f.severity.toUpperCase()}</span> ${n}. ${f.title}</h3><p class="rule">rule ${ruleLink(f.rule)}${related}</p>${message}${subjectsOf(f, anchors)}${fix}${alternatives}${evidenceOf(f)}${refs}</article>`;
}

/** Findings shown in full; a provider's estate has thousands (one per tenant and rule): the rest are tabled by rule. */
export const MAX_FULL_FINDINGS = 40;
const MAX_ROWS_PER_RULE = 150;

function moreFindings(rest: readonly Finding[], offset: number): Html {
  const byRule = new Map<string, { f: Finding; n: number }[]>();
  rest.forEach((f, i) => byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), { f, n: offset + i + 1 }]));
  const groups = [...byRule.entries()].map(([rule, list]) => {
    const rows = list.slice(0, MAX_ROWS_PER_RULE).map(({ f, n }) => {
      const subject = mainSubject(f);
      return html`<tr><td>${n}</td><td><span class="sev ${f.severity}">${f.severity.toUpperCase()}</span></td><td>${subject ? subjectLabel(subject) : '—'}</td><td>${f.fix.find((x) => x.command)?.command ?? f.fix[0]?.text ?? '—'}</td></tr>`;
    });
    const left = list.length - rows.length;
    return html`<details data-rule="${rule}"><summary><code>${rule}</code> — ${list[0]!.f.title} (${list.length})</summary><div class="body scroll"><table><thead><tr><th scope="col">#</th><th scope="col">severity</th><th scope="col">about</th><th scope="col">fix</th></tr></thead><tbody>${rows}</tbody></table>${left > 0 ? html`<p class="muted">… and ${left} more (the JSON report lists each).</p>` : ''}</div></details>`;
  });
  return html`<h3>${rest.length} more finding(s), by rule</h3><p class="muted">The same causes on more objects: each row names the object and the first fix command.</p>${join(groups)}`;
}

export function renderRootCauses(findings: readonly Finding[], anchors: FlowAnchors, previews: Map<number, { anchor: string; flow: string }>): Html {
  if (findings.length === 0) return html`<p class="out delivered">No findings: nothing in the case explains a fault.</p>`;
  const full = findings.slice(0, MAX_FULL_FINDINGS);
  const rest = findings.slice(MAX_FULL_FINDINGS);
  return html`${join(full.map((f, i) => renderRootCause(f, i + 1, anchors, previews.get(i) ?? null)))}${rest.length > 0 ? moreFindings(rest, full.length) : ''}`;
}
