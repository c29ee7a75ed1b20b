/**
 * Turns a file's bytes into text. Windows PowerShell 5.1 writes `Out-File` and `>` output as
 * UTF-16LE with a byte-order mark, and `Set-Content -Encoding UTF8` adds a UTF-8 BOM, so an export
 * pasted into a case may come in any of these.
 */
export function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    // A truncated file can end in half a code unit; swap16 refuses odd lengths, so the stray
    // byte becomes U+FFFD like any other undecodable byte instead of losing the whole file.
    const even = (b.length - 2) & ~1;
    const swapped = Buffer.from(b.subarray(2, 2 + even));
    swapped.swap16();
    return swapped.toString('utf16le') + (even < b.length - 2 ? '\uFFFD' : '');
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  // UTF-16LE without a BOM: ASCII text then shows a NUL in every second byte.
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return b.toString('utf16le');
  return b.toString('utf8');
}

/** True when the bytes look like text rather than binary (no NUL in the sample once decoded). */
export function looksLikeText(text: string): boolean {
  return !text.slice(0, 4096).includes('\u0000');
}
