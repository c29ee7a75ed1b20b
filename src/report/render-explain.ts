import type { ExplainedStatus, Explanation, StatusInCase, UnlistedStatus } from '../explain.js';
import type { FindingSubject } from '../rules/finding.js';

/**
 * `explain` output: text, markdown and JSON of the same explanation model (src/explain.ts). Text
 * that holds no catalog status says so plainly; nothing is guessed.
 */
const NOT_RECOGNISED =
  'No status in the NDR catalog was recognised in this text. mailflow-doctor explains the Exchange Online and Exchange Server statuses of hybrid and connector mail flow it catalogs (an enhanced code such as 5.7.64 with its text, or UnknownCredentials/NoCredentials); it does not guess at others.';
const NOT_REPRODUCED = 'the simulator does not reproduce this on any route of the case';

const OUTCOME: Record<string, string> = {
  deferred: 'deferred — the sender keeps retrying until the message expires, then returns an NDR',
  rejected: 'rejected — the sender gets a non-delivery report',
  dropped: 'dropped — the message is lost without a non-delivery report',
  info: 'information only',
};

function subjectText(s: FindingSubject): string {
  const scope = s.tenant ?? s.organization ?? s.gateway;
  return `${s.type} "${s.name}"${scope ? ` (${scope})` : ''}`;
}

/**
 * RFC 3463 3.1, the class sub-code: "4.X.XXX Persistent Transient Failure … If this code accompanies
 * a delivery failure report, sending in the future may be successful."; "5.X.XXX Permanent Failure
 * … not likely to be resolved by resending the message in the current form."
 */
const CLASS_TEXT: Record<UnlistedStatus['class'], string> = {
  success: 'success',
  transient: 'persistent transient failure, sending again later may succeed',
  permanent: 'permanent failure, resending the message as it is will not succeed',
};
const REPLY_CLASS: Record<string, string> = { '2': 'success', '4': 'transient failure', '5': 'permanent failure' };
const UNLISTED_NOTE = 'the NDR catalog has no entry for these; only what the text and RFC 3463 say is shown';

/** What the code says of itself: its RFC 3463 class, and the reply code's (RFC 5321 4.2.1) when the two disagree. */
function unlistedClass(u: UnlistedStatus): string {
  const klass = `class ${u.enhancedCode[0]}.x.x (RFC 3463): ${CLASS_TEXT[u.class]}`;
  const reply = u.basicCode !== null ? String(u.basicCode)[0]! : null;
  if (reply === null || reply === u.enhancedCode[0]) return klass;
  return `${klass}; the reply code ${u.basicCode} says ${REPLY_CLASS[reply] ?? 'otherwise'} (RFC 5321 4.2.1)`;
}

function unlistedLinesText(x: Explanation): string[] {
  if (x.unlisted.length === 0) return [];
  const n = x.unlisted.length;
  const out = [`${n} status code${n === 1 ? '' : 's'} not in the catalog (${UNLISTED_NOTE}):`, ''];
  x.unlisted.forEach((u, i) => {
    out.push(`${i + 1}. ${u.text}${u.occurrences > 1 ? ` (${u.occurrences} times in the text)` : ''}`);
    out.push(`   Code: ${[u.basicCode, u.enhancedCode].filter((v) => v !== null).join(' ')}   ${unlistedClass(u)}`);
    out.push('   Catalog: not in the catalog');
    out.push('');
  });
  return out;
}

function heading(e: ExplainedStatus, i: number): string {
  const seen = e.occurrences > 1 ? ` (${e.occurrences} times in the text)` : '';
  return `${i + 1}. ${e.status.text}${seen}`;
}

export function renderExplainText(x: Explanation): string {
  if (x.statuses.length === 0) return x.unlisted.length === 0 ? `${NOT_RECOGNISED}\n` : [NOT_RECOGNISED, '', ...unlistedLinesText(x)].join('\n');
  const out: string[] = [];
  const count = x.statuses.length;
  const more = x.unlisted.length > 0 ? `; ${x.unlisted.length} more status code${x.unlisted.length === 1 ? '' : 's'} not in the catalog, listed after them` : '';
  out.push(`${count} status${count === 1 ? '' : 'es'} recognised${x.caseName ? `, set against the case ${x.caseName}` : ''}${more}:`, '');
  x.statuses.forEach((e, i) => {
    const n = e.entry;
    out.push(heading(e, i));
    out.push(`   Code: ${[e.status.basicCode, e.status.enhancedCode].filter((v) => v !== null).join(' ') || n.code}${e.status.markers.length > 0 ? `   markers: ${e.status.markers.join(', ')}` : ''}`);
    out.push(`   Catalog: ${n.text}  [${n.id}]`);
    out.push(`   Meaning: ${n.meaning}`);
    out.push(`   Written by: ${n.generatedBy}; seen in: ${n.appearsIn.join(', ')}`);
    out.push(`   Outcome: ${OUTCOME[n.outcome] ?? n.outcome}`);
    if (e.lastDeferral) out.push(`   The last deferral before it in this text, its cause: ${e.lastDeferral.text}`);
    out.push('   Causes:');
    for (const c of n.causes) out.push(`     - ${c}`);
    out.push('   Fixes:');
    n.fixes.forEach((f, k) => out.push(`     ${k + 1}. (${f.where}) ${f.step}`));
    out.push(`   Rules: ${n.rules.length > 0 ? n.rules.join(', ') : '(none: no rule of mailflow-doctor judges this status)'}`);
    if (n.references.length > 0) {
      out.push('   References:');
      for (const r of n.references) out.push(`     - ${r}`);
    }
    if (e.inCase) out.push(...caseLinesText(e.inCase));
    out.push('');
  });
  out.push(...unlistedLinesText(x));
  return out.join('\n');
}

function caseLinesText(c: StatusInCase): string[] {
  const out = ['   In this case:'];
  if (c.findings.length === 0) out.push('     - no finding of the case comes from the rules above');
  for (const f of c.findings) {
    out.push(`     - ${f.severity} ${f.rule}: ${f.title}`);
    if (f.subjects.length > 0) out.push(`       concerns: ${f.subjects.map(subjectText).join('; ')}`);
    out.push(`       ${f.message}`);
  }
  if (c.reproducedBy.length === 0) out.push(`     - ${NOT_REPRODUCED}`);
  for (const r of c.reproducedBy) out.push(`     - the simulator reproduces it: ${r.flow}${r.target ? ` via ${r.target}` : ''} (${r.outcome}): ${r.response}`);
  return out;
}

const md = (s: string): string => s.replace(/([\\`*_|<>[\]])/g, '\\$1');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function renderExplainMarkdown(x: Explanation): string {
  const out: string[] = ['# mailflow-doctor explain', ''];
  const unlisted: string[] = [];
  if (x.unlisted.length > 0) {
    unlisted.push('## Not in the catalog', '', `${md(UNLISTED_NOTE[0]!.toUpperCase() + UNLISTED_NOTE.slice(1))}.`, '');
    for (const u of x.unlisted) unlisted.push(`- ${code(u.text)}${u.occurrences > 1 ? ` (${u.occurrences} times)` : ''} — ${md(unlistedClass(u))}`);
    unlisted.push('');
  }
  if (x.statuses.length === 0) return `${out.join('\n')}${md(NOT_RECOGNISED)}\n${unlisted.length > 0 ? `\n${unlisted.join('\n')}` : ''}`;
  if (x.caseName) out.push(`Set against the case ${code(x.caseName)}.`, '');
  x.statuses.forEach((e, i) => {
    const n = e.entry;
    out.push(`## ${i + 1}. ${code(e.status.text)}${e.occurrences > 1 ? ` (${e.occurrences} times)` : ''}`, '');
    out.push(`- **Code:** ${[e.status.basicCode, e.status.enhancedCode].filter((v) => v !== null).join(' ') || md(n.code)}${e.status.markers.length > 0 ? ` — markers ${e.status.markers.map(code).join(', ')}` : ''}`);
    out.push(`- **Catalog:** ${code(n.text)} (${code(n.id)})`);
    out.push(`- **Meaning:** ${md(n.meaning)}`);
    out.push(`- **Written by:** ${md(n.generatedBy)}; seen in ${md(n.appearsIn.join(', '))}`);
    out.push(`- **Outcome:** ${md(OUTCOME[n.outcome] ?? n.outcome)}`);
    if (e.lastDeferral) out.push(`- **Last deferral before it (its cause):** ${code(e.lastDeferral.text)}`);
    out.push(`- **Rules:** ${n.rules.length > 0 ? n.rules.map(code).join(', ') : 'none'}`, '');
    out.push('### Causes', '', ...n.causes.map((c) => `- ${md(c)}`), '');
    out.push('### Fixes', '', ...n.fixes.map((f, k) => `${k + 1}. *${md(f.where)}*: ${code(f.step)}`), '');
    if (n.references.length > 0) out.push('### References', '', ...n.references.map((r) => `- ${md(r)}`), '');
    if (e.inCase) {
      out.push('### In this case', '');
      if (e.inCase.findings.length === 0) out.push('- No finding of the case comes from the rules above.');
      for (const f of e.inCase.findings) out.push(`- **${f.severity}** ${code(f.rule)}: ${md(f.title)} — ${md(f.subjects.map(subjectText).join('; '))}. ${md(f.message)}`);
      if (e.inCase.reproducedBy.length === 0) out.push(`- ${md(NOT_REPRODUCED[0]!.toUpperCase() + NOT_REPRODUCED.slice(1))}.`);
      for (const r of e.inCase.reproducedBy) out.push(`- The simulator reproduces it: ${md(r.flow)}${r.target ? ` via ${code(r.target)}` : ''} (${r.outcome}): ${code(r.response)}`);
      out.push('');
    }
  });
  out.push(...unlisted);
  return out.join('\n');
}

export function explainToJson(x: Explanation): string {
  const doc = {
    recognised: x.statuses.length > 0,
    message: x.statuses.length > 0 ? null : NOT_RECOGNISED,
    case: x.caseName,
    statuses: x.statuses.map((e) => ({
      entryId: e.entry.id,
      basicCode: e.status.basicCode,
      enhancedCode: e.status.enhancedCode,
      markers: e.status.markers,
      text: e.status.text,
      offset: e.status.offset,
      occurrences: e.occurrences,
      lastDeferral: e.lastDeferral ? e.lastDeferral.text : null,
      entry: e.entry,
      inCase: e.inCase
        ? { findings: e.inCase.findings, reproduced: e.inCase.reproducedBy.length > 0, reproducedBy: e.inCase.reproducedBy }
        : null,
    })),
    // Codes seen in the text that the catalog does not explain: said, not guessed at.
    unlisted: x.unlisted.map((u) => ({ ...u, catalog: null })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
