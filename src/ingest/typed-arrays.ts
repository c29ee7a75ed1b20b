/** A copy of a typed array at twice its length (the growth step of the readers' field-range buffers). */
export function doubled<T extends Int32Array | Uint8Array>(a: T): T {
  const grown = (a instanceof Int32Array ? new Int32Array(a.length * 2) : new Uint8Array(a.length * 2)) as T;
  grown.set(a);
  return grown;
}
