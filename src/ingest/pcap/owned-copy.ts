/**
 * A copy of a few bytes a session keeps for its whole life (randoms, session ids, keys, IVs) in
 * memory of its own. `Buffer.from` would put them in node's shared 8 KB allocation pool, and a
 * 32-byte copy kept by a session that lingers keeps its whole pool slab alive: thousands of
 * sessions open at once would hold megabytes of slabs for a few bytes each.
 */
export function ownedCopy(b: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(b.length);
  copy.set(b);
  return copy;
}
