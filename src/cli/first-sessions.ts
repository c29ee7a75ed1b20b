import type { CapturedSession } from '../model/capture.js';

/**
 * The first `limit` sessions of a capture by first packet, and how many there were in all. The
 * reader hands sessions over as their connections end, in another order than they began; only
 * what a page shows is kept (at most twice the limit between two trims), so a page of a capture
 * of any size takes the same memory.
 */
export class FirstSessions {
  private kept: CapturedSession[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  add(session: CapturedSession): void {
    this.total++;
    this.kept.push(session);
    if (this.kept.length >= 2 * this.limit) this.trim();
  }

  /** The kept sessions ordered by first packet. */
  sessions(): CapturedSession[] {
    this.trim();
    return this.kept;
  }

  private trim(): void {
    // Stable: among equal first packets (never two in one capture) arrival order stays.
    this.kept.sort((x, y) => x.packets.first - y.packets.first);
    if (this.kept.length > this.limit) this.kept.length = this.limit;
  }
}
