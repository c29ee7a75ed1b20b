import type { X509Certificate } from 'node:crypto';
import { publicRoots, type RootStore } from './public-roots.js';
import { windowsDistinguishedName } from './x509-names.js';

export interface TrustJudgement {
  publiclyTrusted: boolean;
  reason: string;
}

/** The longest chain followed; real ones have two or three links. */
const MAX_DEPTH = 8;

/** Issued by `issuer` by name and key identifiers, and the signature verifies with its key. */
export function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isSelfSigned(cert: X509Certificate): boolean {
  return signedBy(cert, cert);
}

/**
 * Whether a certificate chains to a public root, as Exchange Online requires of a certificate
 * used to attribute mail (EXO-SEMANTICS M3: an untrusted CA or an incomplete chain does not
 * match). The chain is built from the certificates supplied with the case (intermediates) up to a
 * bundled root, checking every signature. Validity in time is judged elsewhere, at `--at`.
 */
export function judgeChainTrust(leaf: X509Certificate, supplied: readonly X509Certificate[], roots: RootStore = publicRoots()): TrustJudgement {
  if (roots.fingerprints.has(leaf.fingerprint256)) return { publiclyTrusted: true, reason: 'is itself a public root certificate' };
  if (isSelfSigned(leaf)) return { publiclyTrusted: false, reason: 'self-signed' };
  let current = leaf;
  const seen = new Set([leaf.fingerprint256]);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    // A public root first: an intermediate may share its name with a root it was cross-signed as.
    const root = (roots.bySubject.get(current.issuer) ?? []).find((r) => signedBy(current, r));
    if (root) {
      const via = depth === 0 ? '' : ' through supplied intermediates';
      return { publiclyTrusted: true, reason: `chains to public root ${windowsDistinguishedName(root.subject)}${via}` };
    }
    const named = supplied.filter((c) => !seen.has(c.fingerprint256) && safeCheckIssued(current, c));
    if (named.length === 0) {
      return {
        publiclyTrusted: false,
        reason: `issuer ${windowsDistinguishedName(current.issuer)} not found among supplied intermediates or public roots (incomplete chain or private CA)`,
      };
    }
    const next = named.find((c) => signedBy(current, c));
    if (!next) {
      return { publiclyTrusted: false, reason: `signature by issuer ${windowsDistinguishedName(current.issuer)} does not verify` };
    }
    if (isSelfSigned(next)) {
      return {
        publiclyTrusted: false,
        reason: `chains to ${windowsDistinguishedName(next.subject)}, a root that is not a public root (private CA)`,
      };
    }
    seen.add(next.fingerprint256);
    current = next;
  }
  return { publiclyTrusted: false, reason: `no public root within ${MAX_DEPTH} links` };
}

function safeCheckIssued(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer);
  } catch {
    return false;
  }
}
