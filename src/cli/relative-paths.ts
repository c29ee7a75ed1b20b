import { sep } from 'node:path';

/**
 * Paths in reports are relative to the working directory (`examples/s1/topology.yaml:17`, not
 * `/home/ann/work/examples/s1/topology.yaml:17`): shorter, and they say nothing about the admin's
 * machine. Applied to the rendered report, so every path in every format is covered — inputs,
 * diagnostics locations, evidence sources, paths quoted in messages. Paths outside the working
 * directory stay absolute (`../../x` would be harder to read than the path itself).
 */
export function relativeToCwd(text: string, cwd: string = process.cwd()): string {
  // At the file-system root every absolute path is "inside": leave them as they are.
  if (cwd === sep || /^[A-Za-z]:\\?$/.test(cwd)) return text;
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  let out = text;
  // As written in text and Markdown, and as JSON, HTML and CSV escape it (backslashes on Windows, quotes and ampersands in a folder name).
  for (const form of new Set([prefix, jsonEscaped(prefix), htmlEscaped(prefix), htmlEscaped(jsonEscaped(prefix))])) {
    if (out.includes(form)) out = replaceAtPathStart(out, form);
  }
  return out;
}

/** Drops `prefix` where it starts a path: not inside a longer path that merely contains it (`/x/work/main/` for cwd `/work/main`). */
function replaceAtPathStart(text: string, prefix: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + prefix.length)) {
    const before = at === 0 ? '' : text[at - 1]!;
    if (before !== '' && /[\w.\-/\\]/.test(before)) continue;
    out += text.slice(from, at);
    from = at + prefix.length;
  }
  return out + text.slice(from);
}

function jsonEscaped(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function htmlEscaped(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
