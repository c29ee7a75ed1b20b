import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, sep } from 'node:path';
import { emptyCase, type Case } from '../../model/case.js';
import type { InputReport } from '../../model/diagnostics.js';
import { extractZip, ZIP_KIND } from './extract-zip.js';
import { ZIP_LIMITS, type ZipLimits } from './zip-limits.js';

interface Loaded {
  case: Case;
  fatal: string | null;
}

/**
 * A zip named as an input (the collection script's archive, issue 16 item 4) is read as the
 * folder it holds: each is extracted into a private temporary folder under the limits of
 * ZIP_LIMITS, the loader reads those folders like any other (placement by folder names and
 * `sources:` works unchanged, since the archive keeps the layout), and every path in the result
 * names the archive (`evidence.zip/online/contoso.onmicrosoft.com/inbound-connectors.xml`) instead
 * of the temporary folder, which is removed before this returns. Each archive adds one input
 * report (kind `zip`) with the entries it refused.
 */
export async function withZipInputs<T extends Loaded>(paths: string[], load: (paths: string[]) => Promise<T>, limits: ZipLimits = ZIP_LIMITS): Promise<T> {
  const zips = paths.filter(isZipPath);
  if (zips.length === 0) return load(paths);
  const root = mkdtempSync(join(tmpdir(), 'mailflow-zip-'));
  try {
    const folders = new Map<string, string>();
    const reports: InputReport[] = [];
    const usable = new Set<string>();
    for (const [i, zip] of zips.entries()) {
      if (folders.has(zip)) continue;
      // `<n>.d`: no folder name is the beginning of another, so paths are rewritten unambiguously.
      const dir = join(root, `${i}.d`);
      mkdirSync(dir);
      folders.set(zip, dir);
      const report: InputReport = { file: zip, kind: ZIP_KIND, records: 0, skipped: 0, diagnostics: [] };
      await extractZip(zip, zip, dir, { total: 0 }, limits, report);
      reports.push(report);
      if (report.records > 0) usable.add(zip);
    }
    const expanded = paths.flatMap((p) => (folders.has(p) ? (usable.has(p) ? [folders.get(p)!] : []) : [p]));
    if (expanded.length === 0) {
      const c = emptyCase();
      c.inputs.push(...reports);
      const lines = reports.flatMap((r) => r.diagnostics.map((d) => `  ${d.message}`));
      return { case: c, fatal: [`no file in ${zips.join(', ')} could be read:`, ...lines].join('\n') } as T;
    }
    const result = await load(expanded);
    for (const [zip, dir] of folders) rewritePaths(result, dir, zip);
    result.case.inputs.unshift(...reports);
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A file (not a folder) that starts like a zip archive, or is named like one. */
function isZipPath(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
  } catch {
    return false;
  }
  if (extname(p).toLowerCase() === '.zip') return true;
  let fd: number | null = null;
  try {
    fd = openSync(p, 'r');
    const head = Buffer.alloc(4);
    if (readSync(fd, head, 0, 4, 0) < 4) return false;
    const magic = head.readUInt32LE(0);
    return magic === 0x04034b50 || magic === 0x06054b50;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Every string of the loaded case that names the temporary folder names the archive instead. An
 * explicit stack, not recursion: a case is a deep tree of plain objects and arrays.
 */
function rewritePaths(root: object, dir: string, zip: string): void {
  const withSep = dir + sep;
  const fix = (s: string): string => (s.includes(dir) ? s.split(withSep).join(zip + '/').split(dir).join(zip) : s);
  const stack: object[] = [root];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v: unknown = o[i];
        if (typeof v === 'string') o[i] = fix(v);
        else if (isPlain(v)) stack.push(v);
      }
      continue;
    }
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (typeof v === 'string') {
        const fixed = fix(v);
        if (fixed !== v) rec[k] = fixed;
      } else if (isPlain(v)) stack.push(v);
    }
  }
}

function isPlain(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
