/**
 * Remembers which properties of a normalised object were written in its input, as opposed to
 * filled with Exchange's defaults. Merging objects from several inputs needs this: a later input
 * may fill what an earlier one left out, but must not override a value the earlier one wrote.
 * Kept beside the objects (WeakMap) so the model stays plain, structuredClone-able data.
 */
const givenByObject = new WeakMap<object, Set<string>>();

/**
 * Objects given the same properties share one set (a provider's estate has hundreds of thousands
 * of objects and a few dozen distinct property lists), so a set is never changed once made.
 */
const SHARED_SETS_MAX = 4096;
const sharedSets = new Map<string, Set<string>>();

/**
 * The set a frozen list of distinct names was given, by the list itself (a list of repeated names
 * never gets here, as its set is smaller than the list).
 */
const setsByList = new WeakMap<readonly string[], Set<string>>();

export function markGiven(target: object, keys: Iterable<string>): void {
  // Nothing to add to a set already made (a merge that filled nothing): it stays as it is.
  if (Array.isArray(keys) && keys.length === 0 && givenByObject.has(target)) return;
  // The common case, an object marked once with a list of distinct names seen before: its shared
  // set is found by the list itself, without building a set to look it up.
  if (Array.isArray(keys) && !givenByObject.has(target)) {
    // A frozen list passed before (writtenKeys hands out one per set of names): found by identity.
    const frozen = Object.isFrozen(keys);
    const same = frozen ? setsByList.get(keys) : undefined;
    if (same !== undefined) {
      givenByObject.set(target, same);
      return;
    }
    const known = sharedSets.get(keys.join('\u0000'));
    if (known !== undefined && known.size === keys.length) {
      givenByObject.set(target, known);
      if (frozen) setsByList.set(keys, known);
      return;
    }
  }
  const set = new Set<string>(givenByObject.get(target));
  for (const k of keys) set.add(k);
  const id = [...set].join('\u0000');
  let shared = sharedSets.get(id);
  if (shared === undefined) {
    shared = set;
    if (sharedSets.size < SHARED_SETS_MAX) sharedSets.set(id, set);
  }
  givenByObject.set(target, shared);
}

/** Properties written in the input; undefined when the object was not produced by a reader (all count as given). */
export function givenProperties(target: object): ReadonlySet<string> | undefined {
  return givenByObject.get(target);
}

export function wasGiven(target: object, key: string): boolean {
  const set = givenByObject.get(target);
  return set === undefined ? true : set.has(key);
}
