import type { HopFailure, HopSender } from './flow-types.js';
import { deferredByExchangeOnline, deferredByExchangeServer } from './hop-failure.js';

/**
 * A 4xx answer as the sending system handles it (EXO-SEMANTICS "Output conventions"): Exchange
 * Online retries for 24 h, an Exchange server until its MessageExpirationTimeout; a gateway or an
 * internet sender retries for a period the case does not hold, so no expiry is claimed for it.
 */
export function deferredBySender(sender: HopSender, response: string, conclusion: string): HopFailure {
  switch (sender.type) {
    case 'send-connector':
      return deferredByExchangeServer(response, `${conclusion} The message stays in the queue of ${sender.server.Name} until it expires.`, sender.server.extra.MessageExpirationTimeout);
    case 'exchange-online':
      return deferredByExchangeOnline(response, `${conclusion} Exchange Online retries for 24 hours, then returns it with a non-delivery report.`);
    case 'gateway-route':
      return { outcome: 'deferred', response, conclusion: `${conclusion} ${sender.gateway.Name} retries until its own queue expires, then returns the message.` };
    case 'internet':
      return { outcome: 'deferred', response, conclusion: `${conclusion} The sending server retries until its own queue expires, then returns the message.` };
  }
}

/** What the assumptions say when the sender's retry period is not in the case. */
export function unknownExpiryAssumption(sender: HopSender): string | null {
  if (sender.type === 'gateway-route') return `assumed: ${sender.gateway.Name} retries a deferred message and finally returns it; its retry period is not in the case`;
  if (sender.type === 'internet') return 'assumed: the sending server retries a deferred message and finally returns it; its retry period is not in the case';
  return null;
}
