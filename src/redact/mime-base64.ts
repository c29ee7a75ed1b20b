/**
 * Message files (.eml, mbox, NDRs) carry parts in base64 (`Content-Transfer-Encoding: base64`):
 * names inside them are invisible to a token scan but not to the reader, which decodes them. Each
 * such text part is decoded, passed through `rewrite`, and encoded again in lines of the same
 * length and line ending. Binary parts (images, archives) are left as they are. Linear: one pass
 * over the lines.
 */
export function rewriteBase64Parts(text: string, rewrite: (decoded: string) => string): string {
  if (!/content-transfer-encoding:\s*base64/i.test(text)) return text;
  const lines = text.split(/(?<=\n)/);
  const out: string[] = [];
  let pending = false;
  let inHeaders = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const bare = line.replace(/\r?\n$/, '');
    if (/^content-transfer-encoding:\s*base64\s*$/i.test(bare)) {
      pending = true;
      inHeaders = true;
    }
    out.push(line);
    if (!(pending && inHeaders && bare === '')) continue;
    pending = false;
    inHeaders = false;
    let j = i + 1;
    const body: string[] = [];
    while (j < lines.length && /^[A-Za-z0-9+/=]+\r?\n?$/.test(lines[j]!)) body.push(lines[j++]!);
    if (body.length === 0) continue;
    const replaced = rewriteBody(body, rewrite);
    out.push(...replaced);
    i = j - 1;
  }
  return out.join('');
}

function rewriteBody(body: string[], rewrite: (decoded: string) => string): string[] {
  const eol = /\r\n$/.test(body[0]!) ? '\r\n' : '\n';
  const width = body[0]!.replace(/\r?\n$/, '').length;
  const lastEol = /\r?\n$/.test(body[body.length - 1]!);
  const bytes = Buffer.from(body.map((l) => l.replace(/\r?\n$/, '')).join(''), 'base64');
  const utf8 = bytes.toString('utf8');
  const encoding: BufferEncoding = Buffer.from(utf8, 'utf8').equals(bytes) ? 'utf8' : 'latin1';
  const decoded = bytes.toString(encoding);
  // A binary attachment: nothing a reader takes names from.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(decoded.slice(0, 4096))) return body;
  const rewritten = rewrite(decoded);
  if (rewritten === decoded) return body;
  const b64 = Buffer.from(rewritten, encoding).toString('base64');
  const step = width > 0 ? width : 76;
  const lines: string[] = [];
  for (let k = 0; k < b64.length; k += step) lines.push(b64.slice(k, k + step) + eol);
  if (!lastEol && lines.length > 0) lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, -eol.length);
  return lines;
}
