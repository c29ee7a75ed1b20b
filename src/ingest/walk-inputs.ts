import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

export interface InputListing {
  /** Files to read, in a stable order: each given path in turn, folders walked depth-first, names sorted. */
  files: string[];
  /** Given paths that do not exist (or cannot be examined), with the reason. */
  missing: { path: string; reason: string }[];
  /** What a folder walk left out by name (see `notCaseInput`), counted for one summary line. */
  notWalked: NotWalked;
}

/** Files and folders a walk skipped because their names say they are never part of a case. */
export interface NotWalked {
  /** Files of code or documentation, by extension (`.mjs` → 30). */
  byExtension: Map<string, number>;
  /** Folders not entered: installed packages and dot-folders (`.git`), by name. */
  folders: Set<string>;
}

/**
 * What a case holds is PowerShell exports, topology files, certificates, endpoint lists, traces,
 * logs, captures and message headers. Source code and documentation never are — a project checkout
 * or a folder with the collection scripts beside the exports would otherwise have every script
 * read (and reported) as a file of unknown kind. Decided by extension, so a folder of any name
 * (`bench/`, `src/`, `dist/`) is still walked for the exports it may hold.
 */
const CODE_OR_DOCUMENTATION = new Set([
  // JavaScript / TypeScript and what their tools leave
  '.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx', '.map', '.lock', '.tsbuildinfo',
  // scripts: the PowerShell that collected the exports, shells, other languages
  '.ps1', '.psm1', '.psd1', '.ps1xml', '.sh', '.bash', '.zsh', '.bat', '.cmd', '.vbs', '.py', '.pyc', '.rb', '.pl', '.go', '.rs', '.java', '.class', '.cs', '.c', '.h', '.cpp', '.hpp',
  // prose: notes may quote a topology file, and are still not one
  '.md', '.markdown', '.rst', '.adoc',
]);

/** Folders never entered: installed packages, and hidden folders (.git, .vscode). */
function skippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** Hidden files (.DS_Store, .gitignore) are left out silently, as before; code and prose are counted. */
function codeOrDocumentationExtension(name: string): string | null {
  const ext = extname(name).toLowerCase();
  return CODE_OR_DOCUMENTATION.has(ext) ? ext : null;
}

/** Lists the files of a case. A file named directly is read even if its name would be skipped in a folder walk. */
export async function listInputFiles(paths: readonly string[]): Promise<InputListing> {
  const listing: InputListing = { files: [], missing: [], notWalked: { byExtension: new Map(), folders: new Set() } };
  const seen = new Set<string>();
  const addFile = (file: string, key = resolve(file)): void => {
    if (seen.has(key)) return;
    seen.add(key);
    listing.files.push(file);
  };
  const notWalkedFile = (name: string): boolean => {
    if (name.startsWith('.')) return true;
    const ext = codeOrDocumentationExtension(name);
    if (ext === null) return false;
    listing.notWalked.byExtension.set(ext, (listing.notWalked.byExtension.get(ext) ?? 0) + 1);
    return true;
  };
  // Synchronous on purpose: a provider's case is tens of thousands of small folders, and a thread-pool
  // round-trip per folder leaves the process idle most of the walk.
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // The folder resolved once: an entry's name holds no separator, `.` or `..`, so its absolute
    // path is the folder's plus the name (resolve() per file shows in a walk of 30,000 files).
    const absolute = resolve(dir);
    const prefix = absolute.endsWith(sep) ? absolute : absolute + sep;
    // Likewise join(dir, name) is the joined folder plus the name: the folder's part is found once,
    // from a stand-in name (join normalises the folder, and `.` alone vanishes: join('.', 'a') is 'a').
    const joined = join(dir, 'x');
    const joinedDir = joined.slice(0, -1);
    for (const entry of entries) {
      const full = joinedDir + entry.name;
      if (entry.isDirectory()) {
        if (skippedFolder(entry.name)) listing.notWalked.folders.add(entry.name);
        else walk(full);
      } else if (entry.isFile()) {
        if (!notWalkedFile(entry.name)) addFile(full, prefix + entry.name);
      } else if (entry.isSymbolicLink()) {
        let s = null;
        try {
          s = statSync(full);
        } catch {
          // A dangling link: nothing to read.
        }
        if (s?.isFile() && !notWalkedFile(entry.name)) addFile(full);
      }
    }
  };
  for (const p of paths) {
    try {
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else addFile(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      listing.missing.push({ path: p, reason: code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
    }
  }
  return listing;
}

/**
 * One line for everything a walk left out by name, or null when it left out nothing worth saying
 * (hidden files only). Counts, never names one by one: a checkout holds thousands of such files.
 */
export function notWalkedSummary(n: NotWalked): string | null {
  const files = [...n.byExtension.values()].reduce((a, b) => a + b, 0);
  if (files === 0 && n.folders.size === 0) return null;
  const parts: string[] = [];
  if (files > 0) {
    const top = [...n.byExtension.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    parts.push(`${files} file(s) of code or documentation (${top.slice(0, 6).map(([ext, count]) => `${ext} ${count}`).join(', ')}${top.length > 6 ? ', …' : ''})`);
  }
  if (n.folders.size > 0) parts.push(`the folder(s) ${[...n.folders].sort().join(', ')}`);
  return `not read: ${parts.join(' and ')} — never part of a case; name a file on the command line to read it anyway`;
}
