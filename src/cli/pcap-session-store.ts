import { TextSpool } from './text-spool.js';

/**
 * The rendered sessions of `pcap` (JSON, text, Markdown), kept until the capture is read: the
 * report lists them by first packet while the reader gives them as their connections end, and the
 * capture summary that comes first is known only at the end. The texts are spooled (a private
 * temporary file past a few MB: tens of MB of JSON for a capture of a few hundred MB), so memory
 * does not grow with the capture. A report that lists the sessions more than once (Markdown: a
 * table, then each conversation) keeps one text per listing, each in its own spool.
 */
export class PcapSessionStore {
  private readonly firsts: number[] = [];
  private readonly spools: TextSpool[];

  /** `fileNames`: one per listing, the temporary files' names. */
  constructor(fileNames: readonly string[] = ['sessions.json']) {
    this.spools = fileNames.map((name) => new TextSpool(name));
  }

  get size(): number {
    return this.firsts.length;
  }

  /** One session's texts, one per listing; `first` is its first packet number (the report's order). */
  add(first: number, ...texts: string[]): void {
    this.firsts.push(first);
    this.spools.forEach((spool, i) => spool.add(texts[i]!));
  }

  /** The texts of one listing ordered by first packet (arrival order among equals, as a stable sort gives). */
  sorted(listing = 0): Generator<string> {
    return this.spools[listing]!.inOrder(this.order());
  }

  /** The same, as UTF-8 bytes (each buffer valid until the next is asked for): copied out with no string made of them. */
  sortedBytes(listing = 0): Generator<Uint8Array> {
    return this.spools[listing]!.bytesInOrder(this.order());
  }

  private order(): number[] {
    const order = Array.from(this.firsts.keys());
    order.sort((a, b) => this.firsts[a]! - this.firsts[b]! || a - b);
    return order;
  }

  /** Removes the temporary files, if any. */
  close(): void {
    for (const spool of this.spools) spool.close();
  }
}
