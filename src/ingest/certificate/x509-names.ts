/**
 * Certificate names the way Windows and Exchange print them. Node prints a name one RDN per line
 * in DER order (`C=US\nO=Contoso\nCN=smtp.contoso.com`), escaped per RFC 2253; Windows
 * (CertNameToStr with the X.500 format, which Get-ExchangeCertificate and a connector's
 * TlsCertificateName use) prints the RDNs reversed, comma-separated, with its own attribute
 * labels (S for state, E for e-mail) and double quotes around values holding separators:
 * `CN=smtp.contoso.com, O="Contoso, Inc.", C=US`.
 */

const WINDOWS_LABELS: Record<string, string> = {
  ST: 'S',
  stateOrProvinceName: 'S',
  emailAddress: 'E',
  serialNumber: 'SERIALNUMBER',
  street: 'STREET',
  streetAddress: 'STREET',
  title: 'T',
  GN: 'G',
  givenName: 'G',
  initials: 'I',
  SN: 'SN',
  surname: 'SN',
  DC: 'DC',
  domainComponent: 'DC',
  UID: 'UID',
  postalCode: 'PostalCode',
  description: 'Description',
};

/** Converts Node's multi-line subject or issuer into the Windows form. */
export function windowsDistinguishedName(nodeName: string): string {
  const rdns = nodeName.split('\n').filter((l) => l.trim() !== '');
  return rdns
    .reverse()
    .map((rdn) =>
      splitUnescaped(rdn, ' + ')
        .map(windowsAttribute)
        .join(' + '),
    )
    .join(', ');
}

function windowsAttribute(attribute: string): string {
  const eq = indexOfUnescaped(attribute, '=');
  if (eq < 0) return attribute;
  const label = attribute.slice(0, eq);
  const value = unescapeRfc2253(attribute.slice(eq + 1));
  return `${WINDOWS_LABELS[label] ?? label}=${quoteForWindows(value)}`;
}

/** Windows quotes a value holding a separator, a quote, or leading/trailing space, doubling inner quotes. */
function quoteForWindows(value: string): string {
  if (/[,+="\n<>#;]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** RFC 2253 unescaping: `\,` → `,`, `\4A` → byte 0x4A (hex pairs may spell UTF-8). */
export function unescapeRfc2253(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && i + 1 < value.length) {
      const hex = value.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(value[i + 1] as string, 'utf8'));
        i += 1;
      }
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function indexOfUnescaped(text: string, needle: string, from = 0): number {
  for (let i = from; i <= text.length - needle.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    const at = indexOfUnescaped(text, separator, start);
    if (at < 0) break;
    parts.push(text.slice(start, at));
    start = at + separator.length;
  }
  parts.push(text.slice(start));
  return parts;
}

/** The most specific CN of a Node-format name (the last CN in DER order). */
export function commonNameFromNodeName(nodeName: string): string | null {
  let cn: string | null = null;
  for (const rdn of nodeName.split('\n')) {
    for (const attribute of splitUnescaped(rdn, ' + ')) {
      const eq = indexOfUnescaped(attribute, '=');
      if (eq > 0 && attribute.slice(0, eq) === 'CN') cn = unescapeRfc2253(attribute.slice(eq + 1)).trim();
    }
  }
  return cn;
}

/**
 * Entries of Node's `subjectAltName` text: `DNS:a.contoso.com, IP Address:203.0.113.5`. Since
 * Node 17.3.1 a value holding a separator is written as a JSON string (`DNS:"a, b"`).
 */
export function parseSubjectAltNames(text: string | undefined): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  if (!text) return out;
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const type = text.slice(i, colon).trim();
    i = colon + 1;
    let value: string;
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        value = text.slice(i + 1, j);
      }
      i = j + 1;
    } else {
      const end = text.indexOf(', ', i);
      value = end < 0 ? text.slice(i) : text.slice(i, end);
      i = end < 0 ? text.length : end;
    }
    out.push({ type, value });
  }
  return out;
}
