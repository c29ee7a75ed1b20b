/**
 * One event seen in several places — the same refusal in a send protocol log and in the message
 * tracking log, the same session in a capture and a log — must be counted once. Exchange Online
 * ends every rejection it writes with a diagnostic tail naming the front-end server, the time and
 * its internal message id (`[BN8NAM12FT053.eop-nam12.prod.protection.outlook.com 2026-11-20T09:00:00.262Z
 * 08DE27F1A3C4B5D6]`, NDR-CATALOG "Reading a status"): two observations carrying the same tail are
 * one answer to one message.
 */

// Bounded pieces, no nested quantifiers: linear on any input.
const EOP_TAIL = /\[([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.outlook\.com) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ([0-9A-Fa-f]{8,32})\]/;

/** The key of the Exchange Online answer a reply or evidence line quotes, or null when it quotes none. */
export function replyEventKey(text: string): string | null {
  const m = EOP_TAIL.exec(text);
  return m ? `${m[1]!.toLowerCase()}|${m[2]}|${m[3]!.toUpperCase()}` : null;
}
