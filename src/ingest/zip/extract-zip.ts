import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { addDiagnostic } from '../limits.js';
import { readAt, readCentralDirectory, ZipFormatError, type ZipEntry } from './central-directory.js';
import { COLLECT_LOG_FILE, collectLogDiagnostics } from './collect-log.js';
import { entryPath } from './entry-path.js';
import { EntryRefused, extractEntry, refuseByDeclaration, type ExtractBudget } from './extract-entry.js';
import type { ZipLimits } from './zip-limits.js';

/** The input kind of a zip archive in the report's `inputs`. */
export const ZIP_KIND = 'zip';

const LOCAL_HEADER = 0x04034b50;
/** The collection log is small; a larger file of that name is not read. */
const MAX_COLLECT_LOG = 4 << 20;

interface Planned {
  entry: ZipEntry;
  segments: string[];
  dataStart: number;
  dataEnd: number;
}

/**
 * Extracts a zip archive into `destDir` entry by entry, refusing what LIMITS forbid, each with a
 * diagnostic naming the entry; archives inside it are extracted into a folder of their name, up to
 * `limits.nestedDepth`. `display` is how the archive is named in diagnostics. Never throws for a
 * bad archive: the report says what was wrong.
 */
export async function extractZip(zipFile: string, display: string, destDir: string, budget: ExtractBudget, limits: ZipLimits, report: InputReport, depth = 0): Promise<void> {
  const refuse = (e: { index: number; name: string }, reason: string): void => {
    report.skipped++;
    addDiagnostic(report.diagnostics, { severity: 'error', location: display, message: `${display}: entry ${e.index} "${e.name}" refused: ${reason}` }, display);
  };
  let fd: number | null = null;
  const planned: Planned[] = [];
  try {
    fd = openSync(zipFile, 'r');
    const cd = readCentralDirectory(fd, fstatSync(fd).size, limits);
    if (cd.moreEntries > 0) {
      report.skipped += cd.moreEntries;
      addDiagnostic(report.diagnostics, {
        severity: 'error',
        location: display,
        message: `${display}: entry ${limits.entries + 1} "${cd.firstMoreName ?? ''}" and the ${cd.moreEntries - 1} after it refused: the archive has more than ${limits.entries} entries`,
      }, display);
    }
    const seen = new Set<string>();
    for (const e of cd.entries) {
      const path = entryPath(e.name, limits);
      if (!path.ok) {
        refuse(e, path.reason);
        continue;
      }
      if (path.directory) continue;
      // Case-insensitive file systems would let a second entry overwrite the first.
      const key = path.segments.join('/').toLowerCase();
      if (seen.has(key)) {
        refuse(e, 'another entry has the same path');
        continue;
      }
      seen.add(key);
      const declared = refuseByDeclaration(e, budget, limits);
      if (declared !== null) {
        refuse(e, declared);
        continue;
      }
      const local = readAt(fd, e.localHeaderOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_HEADER) {
        refuse(e, 'its local header is missing (damaged archive)');
        continue;
      }
      const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const dataEnd = dataStart + e.compressedSize;
      if (dataEnd > cd.offset) {
        refuse(e, 'its data runs into the central directory (damaged archive)');
        continue;
      }
      planned.push({ entry: e, segments: path.segments, dataStart, dataEnd });
    }
  } catch (err) {
    const why = err instanceof ZipFormatError ? err.message : (err as Error).message;
    addDiagnostic(report.diagnostics, { severity: 'error', location: display, message: `${display}: not a readable zip archive: ${why}` }, display);
    return;
  } finally {
    if (fd !== null) closeSync(fd);
  }

  // Entries sharing compressed bytes are how the largest zip bombs multiply themselves; a real
  // archive never overlaps two entries.
  const byStart = [...planned].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  const overlapping = new Set<Planned>();
  let previous: Planned | null = null;
  for (const p of byStart) {
    if (previous && p.entry.localHeaderOffset < previous.dataEnd) {
      overlapping.add(p);
      refuse(p.entry, `its data overlaps entry ${previous.entry.index} "${previous.entry.name}" (a zip bomb's trick)`);
      continue;
    }
    previous = p;
  }

  for (const p of planned) {
    if (overlapping.has(p)) continue;
    const dest = join(destDir, ...p.segments);
    try {
      mkdirSync(join(destDir, ...p.segments.slice(0, -1)), { recursive: true });
      await extractEntry(zipFile, p.entry, p.dataStart, dest, budget, limits);
    } catch (err) {
      refuse(p.entry, err instanceof EntryRefused ? err.message : `it could not be extracted: ${(err as Error).message}`);
      continue;
    }
    const last = p.segments[p.segments.length - 1]!;
    if (p.segments.length === 1 && last.toLowerCase() === COLLECT_LOG_FILE) {
      takeCollectLog(dest, `${display}/${last}`, report.diagnostics);
      continue;
    }
    if (/\.zip$/i.test(last) && isZip(dest)) {
      await extractNested(p, dest, display, budget, limits, report, depth);
      continue;
    }
    report.records++;
  }
}

async function extractNested(p: Planned, dest: string, display: string, budget: ExtractBudget, limits: ZipLimits, report: InputReport, depth: number): Promise<void> {
  const name = p.segments.join('/');
  if (depth + 1 > limits.nestedDepth) {
    rmSync(dest, { force: true });
    report.skipped++;
    addDiagnostic(report.diagnostics, { severity: 'error', location: display, message: `${display}: entry ${p.entry.index} "${p.entry.name}" refused: an archive nested more than ${limits.nestedDepth} deep` }, display);
    return;
  }
  // The inner archive's entries go into a folder of its own name, so paths read `outer.zip/inner.zip/file`.
  const part = `${dest}.part`;
  renameSync(dest, part);
  try {
    mkdirSync(dest, { recursive: true });
    await extractZip(part, `${display}/${name}`, dest, budget, limits, report, depth + 1);
  } finally {
    rmSync(part, { force: true });
  }
}

function isZip(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const head = readAt(fd, 0, 4);
    return head.length === 4 && (head.readUInt32LE(0) === LOCAL_HEADER || head.readUInt32LE(0) === 0x06054b50);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The collection script's log: its errors become warnings of the zip, and the file is no input. */
function takeCollectLog(file: string, location: string, into: Diagnostic[]): void {
  try {
    const bytes = readFileSync(file);
    if (bytes.length <= MAX_COLLECT_LOG) for (const d of collectLogDiagnostics(bytes.toString('utf8'), location)) addDiagnostic(into, d, location);
  } finally {
    rmSync(file, { force: true });
  }
}
