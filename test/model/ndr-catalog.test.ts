import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NDR_CATALOG, ndrEntry } from '../../src/model/ndr-catalog.js';
import { recogniseStatuses } from '../../src/model/ndr-recognise.js';

/**
 * Completeness of the catalog, derived from the document: a verbatim copy of NDR-CATALOG.md (the
 * design's status catalog) is read, and every code it lists — in the summary table and in its bold
 * or quoted texts — must be recognised on the document's own text and tied to the rule it names.
 */
const DOC = readFileSync(new URL('../fixtures/ndr-catalog/NDR-CATALOG.md', import.meta.url), 'utf8');

/** The document's own token shape for a code or code range (`5.7.64`, `4.7.500-699`). */
const CODE_IN_DOC = /(?<![\d.])([245]\.\d{1,3}\.)(\d{1,3})(?:-(\d{3}))?(?![\d]|\.\d)/g;

/** `<ip>` → a documentation address, any other `<…>` → a sample word (variable parts are wildcards). */
function sample(text: string): string {
  return text.replace(/<ip>/g, '192.0.2.10').replace(/<[^<>]{1,40}>/g, 'sample');
}

/** Codes written in a piece of the document; a range as its first and last code. */
function codesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CODE_IN_DOC)) {
    out.push(`${m[1]}${m[2]}`);
    if (m[3]) out.push(`${m[1]}${m[3]}`);
  }
  return out;
}

interface SummaryRow {
  line: string;
  /** `[basic, enhanced]` pairs, ranges expanded to first and last. */
  codes: [string | null, string][];
  texts: string[];
  rules: string[];
}

function summaryRows(): SummaryRow[] {
  const section = DOC.slice(DOC.indexOf('## Summary'), DOC.indexOf('## Attribution and relay at EOP'));
  const rows: SummaryRow[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| code') || line.startsWith('| ---')) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, ''));
    const [codeCell, textCell, , , ruleCell] = cells;
    const codes: [string | null, string][] = [];
    // `450 4.7.230 / 550 5.7.230`, `530/550 5.7.57`, `4.7.321-325 / 5.7.321-325`
    for (const part of codeCell!.split(' / ')) {
      const basic = /^(\d{3})(?:\/\d{3})? /.exec(part)?.[1] ?? null;
      for (const c of codesIn(part)) codes.push([basic, c]);
    }
    const texts = [...textCell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const rules = [...ruleCell!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
    rows.push({ line, codes, texts, rules });
  }
  return rows;
}

/** One text per row: each code with a text of the row (paired in order, repeating the shorter list). */
function rowInput(r: SummaryRow): string {
  const n = Math.max(r.codes.length, r.texts.length);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const [basic, code] = r.codes[i % r.codes.length]!;
    const text = r.texts.length > 0 ? r.texts[i % r.texts.length]! : '';
    lines.push(sample(`${basic ? `${basic} ` : ''}${code} ${text}`));
  }
  return lines.join('\n');
}

describe('NDR catalog completeness (NDR-CATALOG.md summary table)', () => {
  const rows = summaryRows();

  it('reads the summary table of the document', () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
  });

  for (const r of rows.filter((x) => x.codes.length > 0)) {
    it(`recognises ${r.codes.map((c) => c[1]).join(', ')} on the catalog's text and ties it to ${r.rules[0]}`, () => {
      const input = rowInput(r);
      const found = recogniseStatuses(input);
      const codes = found.map((s) => s.enhancedCode);
      for (const [, code] of r.codes) expect(codes, input).toContain(code);
      const rules = new Set(found.flatMap((s) => ndrEntry(s.entryId)?.rules ?? []));
      // The first rule the row names is the status's own; the others are alternatives by context.
      expect([...rules], input).toContain(r.rules[0]);
      for (const marker of input.match(/ATTR\d\d/g) ?? []) expect(found.flatMap((s) => s.markers)).toContain(marker);
    });
  }

  it('every rule id the summary names is named by some catalog entry', () => {
    const named = new Set(NDR_CATALOG.flatMap((e) => e.rules));
    const missing = [...new Set(rows.flatMap((r) => r.rules))].filter((id) => !named.has(id));
    expect(missing).toEqual([]);
  });
});

describe('NDR catalog completeness (bold and quoted texts of NDR-CATALOG.md)', () => {
  // Bold spans (`**550 5.7.64 TenantAttribution; Relay Access Denied**`) and code spans that carry a
  // status code are the document's exact texts; every code in them is recognised there.
  const body = DOC.slice(DOC.indexOf('## Attribution and relay at EOP')).replace(/\n\s*/g, ' ');
  const spans = [...body.matchAll(/\*\*([^*]{1,400})\*\*|`([^`]{1,400})`/g)]
    .map((m) => (m[1] ?? m[2])!)
    .filter((s) => codesIn(s).length > 0 && !/^(?:Get|Set|New)-/.test(s));

  it('finds the status texts in the document', () => {
    expect(spans.length).toBeGreaterThanOrEqual(30);
  });

  for (const span of spans) {
    it(`recognises ${JSON.stringify(span.slice(0, 90))}`, () => {
      const found = recogniseStatuses(sample(span)).map((s) => s.enhancedCode);
      // A range is recognised by its first code, as written.
      const expected = [...span.matchAll(CODE_IN_DOC)].map((m) => `${m[1]}${m[2]}`);
      for (const code of expected) expect(found, span).toContain(code);
    });
  }
});

describe('NDR catalog entries', () => {
  it('ids are unique and ndrEntry finds each; an unknown id is undefined', () => {
    const ids = NDR_CATALOG.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(ndrEntry(id)?.id).toBe(id);
    expect(ndrEntry('9.9.9-nothing')).toBeUndefined();
  });

  it('every entry says what it means, where it appears, its causes, and fixes with where to run them', () => {
    for (const e of NDR_CATALOG) {
      expect(e.meaning.length, e.id).toBeGreaterThan(20);
      expect(e.appearsIn.length, e.id).toBeGreaterThan(0);
      expect(e.generatedBy, e.id).not.toBe('');
      expect(e.causes.length, e.id).toBeGreaterThan(0);
      expect(e.fixes.length, e.id).toBeGreaterThan(0);
      for (const f of e.fixes) expect(f.where, `${e.id}: ${f.step}`).not.toBe('');
      expect(e.references.length, e.id).toBeGreaterThan(0);
    }
  });

  it('the catalog\'s own text of each entry with a code is recognised as that entry', () => {
    for (const e of NDR_CATALOG.filter((x) => codesIn(x.code).length > 0 || x.id === 'tls-no-credentials')) {
      const found = recogniseStatuses(sample(e.text));
      expect(found.map((s) => s.entryId), e.text).toContain(e.id);
    }
  });

  it('an outcome per the catalog: 4xx deferrals are deferred, 5xx NDRs rejected (4.4.7 QUEUE.Expired is the NDR of a deferral)', () => {
    expect(ndrEntry('4.4.317-subject-mismatch')?.outcome).toBe('deferred');
    expect(ndrEntry('4.7.230-out-of-date-throttled')?.outcome).toBe('deferred');
    expect(ndrEntry('5.7.230-out-of-date-blocked')?.outcome).toBe('rejected');
    expect(ndrEntry('4.4.7-queue-expired')?.outcome).toBe('rejected');
    expect(ndrEntry('mta-sts-enforce-failure')?.outcome).toBe('dropped');
  });
});
