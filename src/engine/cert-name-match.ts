/**
 * How an inbound connector's `TlsSenderCertificateName` is compared with the names on a
 * presented certificate. Microsoft does not publish the comparison; EXO-SEMANTICS M3 [model]:
 * names = subject CN and every SAN dNSName, case-insensitive; a value `*.d` matches `d` and any
 * name ending in `.d` at any depth (New-InboundConnector: "a domain and all subdomains"); a
 * wildcard *certificate* `*.d` matches a value `x.d` (one label, as TLS wildcards do) and `*.d`.
 */

export type CertNameMatchKind = 'exact' | 'wildcard-value' | 'wildcard-certificate';

export interface CertNameMatch {
  kind: CertNameMatchKind;
  /** The certificate name that matched. */
  certName: string;
  /** Higher is more specific: exact over wildcard, longer suffix over shorter (M3 tie-break). */
  specificity: number;
}

export function normalizeCertName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Specificity of an exact match on a name of this length. */
export function exactSpecificity(name: string): number {
  return 10_000 + name.length;
}

/** Specificity of a wildcard value `*.d`, by the length of `d`. */
export function wildcardSpecificity(suffixDomain: string): number {
  return suffixDomain.length;
}

/** Matches one connector value against one (lower-case) certificate name. */
export function matchOneName(value: string, certName: string): CertNameMatch | null {
  if (value.startsWith('*.')) {
    const d = value.slice(2);
    if (certName === value) return { kind: 'wildcard-value', certName, specificity: wildcardSpecificity(d) };
    if (certName === d || certName.endsWith('.' + d)) {
      return { kind: 'wildcard-value', certName, specificity: wildcardSpecificity(d) };
    }
    return null;
  }
  if (certName === value) return { kind: 'exact', certName, specificity: exactSpecificity(value) };
  if (certName.startsWith('*.')) {
    const dot = value.indexOf('.');
    if (dot > 0 && value.slice(dot + 1) === certName.slice(2)) {
      return { kind: 'wildcard-certificate', certName, specificity: wildcardSpecificity(certName.slice(2)) };
    }
  }
  return null;
}

/** The most specific match of a connector value against all of a certificate's names. */
export function matchCertificateName(value: string, certNames: readonly string[]): CertNameMatch | null {
  const v = normalizeCertName(value);
  if (v === '') return null;
  let best: CertNameMatch | null = null;
  for (const n of certNames) {
    const m = matchOneName(v, n);
    if (m && (!best || m.specificity > best.specificity)) best = m;
  }
  return best;
}

/** Whether a host name is covered by a certificate name (TLS rules: `*.d` covers exactly one label). */
export function certificateCoversHost(certNames: readonly string[], host: string): boolean {
  const h = normalizeCertName(host);
  for (const n of certNames) {
    if (n === h) return true;
    if (n.startsWith('*.')) {
      const dot = h.indexOf('.');
      if (dot > 0 && h.slice(dot + 1) === n.slice(2)) return true;
    }
  }
  return false;
}
