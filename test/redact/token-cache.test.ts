import { describe, expect, it } from 'vitest';
import { RedactionMap } from '../../src/redact/redaction-map.js';
import { collectText, redactText } from '../../src/redact/redact-text.js';

/**
 * The rewrite remembers what each chunk became (token-scan.ts ChunkCache). What a chunk becomes can
 * depend on the text around it — `=3D` before it (quoted-printable), `/24` after it (a prefix),
 * `#Version:` before it (a version number, not an address) — so a chunk met in one place must not
 * be rewritten from what it became in another, and a map given new pseudonyms is not answered from
 * results of before.
 */
const CONTEXTS = [
  'host 10.20.30.40 end',
  '#Version: 10.20.30.40',
  'net 10.20.30.40/24 end',
  'Name=3Dmail.contoso.com end',
  'plain 3Dmail.contoso.com end',
  'at mail.contoso.com end',
  'ip fe80::1:2 end',
  'range fe80::1:2/64 end',
];

function mapOf(text: string): RedactionMap {
  const map = new RedactionMap();
  collectText(text, map);
  map.allocate();
  return map;
}

describe('redaction: chunk results reused only where the text around cannot change them', () => {
  it('each context rewrites as it does on a map that has seen nothing else', () => {
    const map = mapOf(CONTEXTS.join('\n'));
    const saved = JSON.stringify(map.toJSON());
    // Warm the cache with every context, in both orders, then compare with a fresh map of the same content.
    for (const c of [...CONTEXTS, ...[...CONTEXTS].reverse()]) redactText(c, map);
    for (const c of CONTEXTS) {
      const fresh = RedactionMap.parse(saved);
      expect(redactText(c, map), c).toBe(redactText(c, fresh));
    }
    expect(redactText('#Version: 10.20.30.40', map)).toBe('#Version: 10.20.30.40');
    expect(redactText('host 10.20.30.40 end', map)).not.toContain('10.20.30.40');
    expect(redactText('Name=3Dmail.contoso.com', map)).toMatch(/^Name=3Dmail\.customer-\d\.example$/);
  });

  it('learning: an address met first alone and then with a prefix still notes the prefix (its block)', () => {
    const map = mapOf('a fe80::1:2 b fe80::1:2/64 c');
    expect(map.toJSON().ipBlocks.map((b) => b.from)).toEqual(['fe80::/64']);
  });

  it('a map extended and given new pseudonyms is not answered from results of before', () => {
    const map = mapOf('mail.contoso.com');
    expect(redactText('bob@fabrikam.com', map)).toBe('bob@fabrikam.com');
    collectText('bob@fabrikam.com', map);
    map.allocate();
    expect(redactText('bob@fabrikam.com', map)).not.toContain('fabrikam');
    map.addKeep('mail.contoso.com');
    expect(redactText('mail.contoso.com', map)).toBe('mail.contoso.com');
  });
});
