import { RULES } from '../../rules/index.js';
import { ruleDocFileName } from '../../rules/rule-docs.js';
import { DOC_REFERENCES, MODEL_SECTIONS, RULE_DOCS } from '../../rules/rule-docs-data.js';
import { html, join, slug, type Html } from './escape.js';

/**
 * The rule reference for the rules a report shows, inside the page: each rule's page of
 * docs/rules/ (why it matters, when it fires, the evidence it uses, the fix, the documents it
 * rests on) as one collapsed block the findings link to. Embedded rather than linked: the page
 * opens from file:// anywhere (a ticket, a mail attachment) where docs/rules/ is not beside it,
 * and it may make no network request, so references are printed as text, never as links.
 */

export function ruleAnchor(id: string): string {
  return `rule-${slug(id)}`;
}

/** `like this` in the documentation's prose becomes <code>; everything else is text. */
function prose(text: string): Html {
  const parts = text.split('`');
  return join(parts.map((p, i) => (i % 2 === 1 ? html`<code>${p}</code>` : html`${p}`)));
}

const SOURCES = [
  ['configuration', 'From configuration'],
  ['simulation', 'From simulation'],
  ['evidence', 'From evidence'],
] as const;

function ruleBlock(id: string): Html | null {
  const rule = RULES.find((r) => r.id === id);
  const doc = RULE_DOCS[id];
  if (!rule || !doc) return null;
  const fires = SOURCES.filter(([k]) => doc.whenItFires[k]).map(([k, label]) => html`<li><b>${label}:</b> ${prose(doc.whenItFires[k]!)}</li>`);
  const refs = doc.references.map((key) => {
    const r: { title: string; url: string; thirdParty?: true } = DOC_REFERENCES[key];
    return html`<li>${r.title}${r.thirdParty ? ' (third party)' : ''}: <code class="url">${r.url}</code></li>`;
  });
  const model = doc.model.map((m) => (/^M\d+$/.test(m) ? `${m}. ${MODEL_SECTIONS[m]}` : MODEL_SECTIONS[m]));
  return html`<details class="ruledoc" id="${ruleAnchor(id)}" data-rule-doc="${id}"><summary><code>${id}</code> — ${rule.title} <span class="sev ${rule.severity}">${rule.severity.toUpperCase()}</span></summary><div class="body"><h4>Why it matters</h4><p>${prose(rule.description)}</p><h4>When it fires</h4><ul>${fires}</ul><h4>Evidence it uses</h4><ul>${doc.evidence.map((e) => html`<li>${prose(e)}</li>`)}</ul><h4>Fix</h4><ol>${doc.fix.map((f) => html`<li>${prose(f)}</li>`)}</ol><h4>References</h4>${refs.length > 0 ? html`<ul>${refs}</ul>` : html`<p class="muted">The rule checks the topology's own expectations; no Microsoft document applies.</p>`}<p class="muted">Model: ${model.join('; ')} (docs/how-it-decides.md). This page: docs/rules/${ruleDocFileName(id)} in the mailflow-doctor package.</p></div></details>`;
}

/** Ids that have an entry, in order of first appearance. */
export function documentedRules(ids: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of ids) if (!out.includes(id) && RULE_DOCS[id] && RULES.some((r) => r.id === id)) out.push(id);
  return out;
}

/** One collapsed block per rule of the report (each once), or null when no finding names a documented rule. */
export function renderRuleReference(ids: Iterable<string>): Html | null {
  const blocks = documentedRules(ids).map(ruleBlock).filter((b): b is Html => b !== null);
  if (blocks.length === 0) return null;
  return html`<p class="muted">What each rule of this report checks, why it matters and how it is fixed; a finding's rule id opens its block.</p>${join(blocks)}`;
}
