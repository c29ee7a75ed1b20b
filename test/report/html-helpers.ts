import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { diagnoseCase, type Diagnosis } from '../../src/diagnose.js';
import { loadCase } from '../../src/ingest/load-case.js';

/** The moment the bundled examples are judged at (the demo's). */
export const HTML_AT = new Date('2026-11-22T12:00:00Z');

export async function diagnosePaths(...paths: string[]): Promise<Diagnosis> {
  const loaded = await loadCase(paths);
  if (loaded.fatal) throw new Error(loaded.fatal);
  return diagnoseCase(loaded.case, { at: HTML_AT });
}

/** A case folder holding copies of the given files (a topology beside evidence of every kind). */
export function caseFolder(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-html-'));
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  return dir;
}

/** The topology, trace, protocol log, headers and capture the evidence views are shown with. */
export const EVIDENCE_FILES = [
  'examples/s1-provider-wildcard/topology.yaml',
  'test/fixtures/trace/s1-extended-report.csv',
  'test/fixtures/exchange-log/s42-nat-receive.log',
  'test/fixtures/headers/cross-premises-anonymous-gateway.eml',
  'test/fixtures/pcap/starttls-masked.pcap',
];

/** Text as it must appear in the page: escaped exactly as the renderer escapes it. */
export function escaped(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Every start tag of the page (text is escaped, so a `<` in the page always opens real markup). */
export function startTags(page: string): string[] {
  return [...page.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

/** Every reference the page could fetch: src/href/action/poster/srcset/data attributes of any tag, CSS url() and @import. */
export function fetchableReferences(page: string): string[] {
  const out: string[] = [];
  for (const tag of startTags(page)) {
    for (const m of tag.matchAll(/\s(?:src|href|action|poster|srcset|data|xlink:href|formaction|ping|background)\s*=\s*["']?([^"'\s>]*)/gi)) {
      if (!m[1]!.startsWith('#')) out.push(m[0]);
    }
  }
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
  for (const m of style.matchAll(/url\(\s*['"]?([^'")]*)/gi)) if (!m[1]!.startsWith('#')) out.push(m[0]);
  for (const m of style.matchAll(/@import/gi)) out.push(m[0]);
  // Anywhere else, an absolute URL in an attribute value would be fetchable by some element.
  for (const tag of startTags(page)) if (/=\s*["']?\s*(?:https?:)?\/\//i.test(tag)) out.push(tag);
  return out;
}

/** Inline style and event-handler attributes (the Content-Security-Policy forbids both). */
export function inlineStyleOrHandlers(page: string): string[] {
  return startTags(page).filter((t) => /\s(?:style|on[a-z]+)\s*=/i.test(t));
}
