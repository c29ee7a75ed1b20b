import type { DecodedMessage } from '../model/message-headers.js';

/**
 * A `headers` report as the parts it is made of, so a large mbox can be written message by message
 * instead of held whole (the JSON of a 500 MiB mbox is past what one string may hold): the
 * document is `head(count)`, then `message(m, i)` for each message in order, then `tail()`.
 * Joined, the parts are the whole-document rendering byte for byte. A message's part never
 * splits a path or a name, so the output step (relative paths, `--redact`) may finish each part
 * on its own.
 */
export interface HeadersDocumentParts {
  /** True when the head states the number of messages: the messages are then kept until the end. */
  readonly headNeedsCount: boolean;
  head(count: number): string;
  message(m: DecodedMessage, index: number): string;
  tail(): string;
}

/** The whole document from its parts (the formats' whole-document renderers). */
export function wholeDocument(parts: HeadersDocumentParts, messages: readonly DecodedMessage[]): string {
  return [parts.head(messages.length), ...messages.map((m, i) => parts.message(m, i)), parts.tail()].join('');
}
