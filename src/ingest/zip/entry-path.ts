import type { ZipLimits } from './zip-limits.js';

/**
 * An entry's name as a safe relative path, or why it is refused. Windows PowerShell 5.1's
 * Compress-Archive writes `\` between folders, so both separators count. Refused: absolute paths
 * (`/x`, `C:\x`, `\\server\x`), any `..` segment (a path that leaves the extraction folder), NUL,
 * and paths deeper or longer than the limits.
 */
export type EntryPath = { ok: true; segments: string[]; directory: boolean } | { ok: false; reason: string };

export function entryPath(name: string, limits: ZipLimits): EntryPath {
  if (name.length === 0) return { ok: false, reason: 'its name is empty' };
  if (name.length > limits.pathLength) return { ok: false, reason: `its path is longer than ${limits.pathLength} characters` };
  if (name.includes('\0')) return { ok: false, reason: 'its name holds a NUL character' };
  const portable = name.replace(/\\/g, '/');
  if (portable.startsWith('/') || /^[A-Za-z]:/.test(portable)) return { ok: false, reason: 'its path is absolute' };
  const directory = portable.endsWith('/');
  const segments: string[] = [];
  for (const s of portable.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') return { ok: false, reason: 'its path leaves the archive\'s folder ("..")' };
    // Windows would read `a:b` as a drive or an alternate data stream.
    if (process.platform === 'win32' && /[:<>"|?*]/.test(s)) return { ok: false, reason: 'its path holds a character Windows refuses in a file name' };
    segments.push(s);
  }
  if (segments.length === 0) return { ok: false, reason: 'its path names no file' };
  if (segments.length > limits.pathDepth) return { ok: false, reason: `its path is more than ${limits.pathDepth} folders deep` };
  return { ok: true, segments, directory };
}
