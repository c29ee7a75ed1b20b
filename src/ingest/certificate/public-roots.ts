import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

/**
 * The public roots Node bundles (Mozilla's store), standing in for the roots Exchange Online
 * trusts. Parsed once, on first use: most runs never judge a certificate file.
 */
export interface RootStore {
  /** SHA-256 fingerprints of the roots, to recognise a root supplied as a file. */
  fingerprints: Set<string>;
  /** Roots by Node's subject text, which equals the issuer text of what they signed. */
  bySubject: Map<string, X509Certificate[]>;
}

let bundled: RootStore | undefined;

export function publicRoots(): RootStore {
  bundled ??= rootStoreOf(
    rootCertificates.flatMap((pem) => {
      try {
        return [new X509Certificate(pem)];
      } catch {
        return [];
      }
    }),
  );
  return bundled;
}

export function rootStoreOf(roots: readonly X509Certificate[]): RootStore {
  const store: RootStore = { fingerprints: new Set(), bySubject: new Map() };
  for (const root of roots) {
    store.fingerprints.add(root.fingerprint256);
    const list = store.bySubject.get(root.subject) ?? [];
    list.push(root);
    store.bySubject.set(root.subject, list);
  }
  return store;
}
