import { TextSpool } from './text-spool.js';

/**
 * The serialised sessions of `pcap --format json`, kept until the capture is read: the report
 * lists them by first packet while the reader gives them as their connections end, and the
 * capture summary that comes first is known only at the end. The texts are spooled (a private
 * temporary file past a few MB: tens of MB of JSON for a capture of a few hundred MB), so memory
 * does not grow with the capture.
 */
export class PcapSessionStore {
  private readonly firsts: number[] = [];
  private readonly texts = new TextSpool('sessions.json');

  get size(): number {
    return this.firsts.length;
  }

  /** One session's JSON text; `first` is its first packet number (the report's order). */
  add(first: number, json: string): void {
    this.firsts.push(first);
    this.texts.add(json);
  }

  /** The texts ordered by first packet (arrival order among equals, as a stable sort gives). */
  sorted(): Generator<string> {
    return this.texts.inOrder(this.order());
  }

  /** The same, as UTF-8 bytes (each buffer valid until the next is asked for): copied out with no string made of them. */
  sortedBytes(): Generator<Uint8Array> {
    return this.texts.bytesInOrder(this.order());
  }

  private order(): number[] {
    const order = Array.from(this.firsts.keys());
    order.sort((a, b) => this.firsts[a]! - this.firsts[b]! || a - b);
    return order;
  }

  /** Removes the temporary file, if any. */
  close(): void {
    this.texts.close();
  }
}
