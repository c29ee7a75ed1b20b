import { detach } from './trace-message.js';

/**
 * One detached copy of each string that recurs across kept trace data (connector names, tenants,
 * directions, client addresses…), shared by everything that keeps it instead of a copy each: a
 * trace keeps tens of thousands of open messages and groups. Bounded: emptied when full, so a run
 * of unique values costs a lookup and a copy each, as without the pool. The values last kept are
 * found first by a cheap hash of length and three characters — most lookups end there with one
 * comparison, where the Map would hash the whole of each new slice.
 */
export class StringPool {
  private readonly kept = new Map<string, string>();
  private readonly recent: (string | undefined)[] = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);

  constructor(private readonly capacity: number) {}

  get<T extends string | null | undefined>(v: T): T {
    if (v === null || v === undefined) return v;
    const s: string = v;
    const n = s.length;
    const slot = n === 0 ? 0 : (n * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(n >> 1) * 3 + s.charCodeAt(n - 1)) & (RECENT_SLOTS - 1);
    const last = this.recent[slot];
    if (last === s) return last as T;
    let kept = this.kept.get(s);
    if (kept === undefined) {
      if (this.kept.size >= this.capacity) this.kept.clear();
      kept = detach(s);
      this.kept.set(kept, kept);
    }
    this.recent[slot] = kept;
    return kept as T;
  }
}

const RECENT_SLOTS = 64;
