/**
 * Positions of every value in a JSON text, by path, in one pass without building a node tree.
 * JSON topology files (and pasted ConvertTo-Json output) take this path: the YAML parser gives
 * the same positions but is an order of magnitude slower, which matters for a service provider's
 * thousands of files. The text must already be valid JSON (JSON.parse succeeded).
 */
export interface JsonPositions {
  /** Path key → offset of the value's first character. */
  offsets: Map<string, number>;
  /** Path key → source text of number values (a thumbprint or name typed as a number). */
  numberTexts: Map<string, string>;
  /** Offsets of keys written twice in one object (JSON.parse keeps the last silently). */
  duplicateKeys: { offset: number; key: string }[];
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

export function scanJsonPositions(text: string): JsonPositions {
  const offsets = new Map<string, number>();
  const numberTexts = new Map<string, string>();
  const duplicateKeys: { offset: number; key: string }[] = [];
  let i = 0;
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) i++;
      else return;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i++);
      if (c === 92) {
        escaped = true;
        i++;
      } else if (c === 34) break;
      else if (Number.isNaN(c)) break;
    }
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const value = (key: string): void => {
    ws();
    offsets.set(key, i);
    const c = text.charCodeAt(i);
    if (c === 123) {
      i++;
      const seen = new Set<string>();
      ws();
      if (text.charCodeAt(i) === 125) {
        i++;
        return;
      }
      for (;;) {
        ws();
        const keyOffset = i;
        const name = readString();
        if (seen.has(name)) duplicateKeys.push({ offset: keyOffset, key: name });
        seen.add(name);
        ws();
        i++; // ':'
        value(key === '' ? name : key + '\u0000' + name);
        ws();
        if (text.charCodeAt(i++) === 125) return;
      }
    } else if (c === 91) {
      i++;
      ws();
      if (text.charCodeAt(i) === 93) {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(key === '' ? String(n) : key + '\u0000' + n);
        ws();
        if (text.charCodeAt(i++) === 93) return;
      }
    } else if (c === 34) {
      readString();
    } else {
      const start = i;
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
      const raw = text.slice(start, i);
      if (c === 45 || (c >= 48 && c <= 57)) numberTexts.set(key, raw);
    }
  };
  value('');
  return { offsets, numberTexts, duplicateKeys };
}

/** Line starts for offset → line:column. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineColumn(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
