import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RULES } from './index.js';
import type { Rule } from './rule.js';
import { DOC_REFERENCES, MODEL_SECTIONS, RULE_DOCS, type ModelSection, type RuleDocEntry } from './rule-docs-data.js';

/**
 * The rule reference (docs/rules/): one Markdown page per rule, rendered from the rule's own
 * metadata (id, title, severity, description in RULES) and its entry in rule-docs-data*.ts, plus
 * an index. The pages in the repository are exactly what this renders (a test compares them), so
 * they change only together with the rules; `npm run docs` rewrites them.
 */

/** The fields of a rule the reference shows. */
export type DocumentedRule = Pick<Rule, 'id' | 'title' | 'severity' | 'description'>;

/** Where the model description lives, relative to docs/rules/. */
const MODEL_PAGE = '../how-it-decides.md';

const SOURCE_LABELS: Record<keyof RuleDocEntry['whenItFires'], string> = {
  configuration: 'From configuration',
  simulation: 'From simulation',
  evidence: 'From evidence',
};

/** The heading of a model section in docs/how-it-decides.md (without the leading `## `). */
export function modelSectionHeading(key: ModelSection): string {
  return /^M\d+$/.test(key) ? `${key}. ${MODEL_SECTIONS[key]}` : MODEL_SECTIONS[key];
}

/** The anchor a Markdown renderer (GitHub's rules) gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function modelLink(key: ModelSection): string {
  const heading = modelSectionHeading(key);
  return `[${heading}](${MODEL_PAGE}#${headingAnchor(heading)})`;
}

function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The page file name of a rule id inside the rule reference folder. */
export function ruleDocFileName(id: string): string {
  return `${id}.md`;
}

export function renderRulePage(rule: DocumentedRule, doc: RuleDocEntry): string {
  const sources = (Object.keys(SOURCE_LABELS) as (keyof RuleDocEntry['whenItFires'])[]).filter((k) => doc.whenItFires[k]);
  const lines: string[] = [
    `# \`${rule.id}\`: ${rule.title}`,
    '',
    `| severity | fires from | model |`,
    '| --- | --- | --- |',
    `| ${rule.severity} | ${sources.join(', ')} | ${doc.model.map(modelLink).join(', ')} |`,
    '',
    '## Why it matters',
    '',
    rule.description,
    '',
    '## When it fires',
    '',
    ...sources.map((k) => `- **${SOURCE_LABELS[k]}:** ${doc.whenItFires[k]}`),
    '',
    '## Evidence it uses',
    '',
    ...doc.evidence.map((e) => `- ${e}`),
    '',
    '## Fix',
    '',
    ...doc.fix.map((f, i) => `${i + 1}. ${f}`),
    '',
    'A finding writes these steps with the names and values of the case (connectors, certificates, addresses) and says where each is run; every command is applied to a copy of the case and simulated again before it is printed (`fixVerification`).',
    '',
    '## References',
    '',
  ];
  if (doc.references.length === 0) lines.push('- The rule checks the topology\'s own expectations; no Microsoft document applies.');
  for (const key of doc.references) {
    const r: { title: string; url: string; thirdParty?: true } = DOC_REFERENCES[key];
    lines.push(`- [${r.title}](${r.url})${r.thirdParty ? ' (third party)' : ''}`);
  }
  lines.push('', '---', '', `[All rules](README.md) · [How mailflow-doctor decides](${MODEL_PAGE})`, '');
  return lines.join('\n');
}

export function renderRuleIndex(rules: readonly DocumentedRule[]): string {
  return [
    '# Rule reference',
    '',
    'Every finding mailflow-doctor reports carries the id of the rule that raised it. Each page below says why the rule',
    'matters, when it fires (from the configuration, from a simulated flow, or from evidence such as message traces,',
    'logs, captures, headers and NDRs), the evidence the finding quotes, what its fix does and where to run it, and the',
    `Microsoft documents it rests on. The model the simulator follows is described in [How mailflow-doctor decides](${MODEL_PAGE}).`,
    '',
    'Severities: **error** — mail fails or is handled by the wrong tenant now; **warning** — a risk or a degraded path;',
    '**info** — context worth knowing. The exit status is 1 when at least one error is found.',
    '',
    '| id | severity | title |',
    '| --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.id}\`](${ruleDocFileName(r.id)}) | ${r.severity} | ${tableCell(r.title)} |`),
    '',
    'These pages are generated from the rules themselves (`src/rules/`) and their documentation entries',
    '(`src/rules/rule-docs-data*.ts`) with `npm run docs`; a test fails when they differ.',
    '',
  ].join('\n');
}

/** Every file of the rule reference (name → content) for the given rules; a rule without an entry is an error. */
export function renderRuleDocs(rules: readonly DocumentedRule[] = RULES): Map<string, string> {
  const files = new Map<string, string>();
  const missing = rules.filter((r) => !RULE_DOCS[r.id]).map((r) => r.id);
  if (missing.length > 0) throw new Error(`No rule documentation entry for: ${missing.join(', ')} (add it to src/rules/rule-docs-data*.ts)`);
  for (const r of rules) files.set(ruleDocFileName(r.id), renderRulePage(r, RULE_DOCS[r.id]!));
  files.set('README.md', renderRuleIndex(rules));
  return files;
}

/** Writes the rule reference into `dir` and removes pages of rules that no longer exist; returns the file names written. */
export async function writeRuleDocs(dir: string, rules: readonly DocumentedRule[] = RULES): Promise<string[]> {
  const files = renderRuleDocs(rules);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.md') && !files.has(name)) await unlink(join(dir, name));
  }
  for (const [name, text] of files) await writeFile(join(dir, name), text, 'utf8');
  return [...files.keys()];
}
