import type { Case } from '../model/case.js';
import {
  finishInboundConnector,
  finishOutboundConnector,
  INBOUND_CONNECTOR,
  newInboundConnector,
  newOutboundConnector,
  OUTBOUND_CONNECTOR,
} from './cmdlet-apply-exo-connectors.js';
import { JOURNAL_RULE, newJournalRule, setAcceptedDomain } from './cmdlet-apply-journal-domain.js';
import { setOrganizationConfig } from './cmdlet-apply-organization-config.js';
import { removeBlockedConnector } from './cmdlet-apply-blocked-connector.js';
import { cloneCase } from './case-clone.js';
import { finishSendConnector, newSendConnector, SEND_CONNECTOR, setReceiveConnector } from './cmdlet-apply-onprem-connectors.js';
import { enableExchangeCertificate } from './cmdlet-apply-certificate.js';
import { cmdletSpec, SESSION_PARAMETERS, SUPPORTED_CMDLETS } from './cmdlet-catalog.js';
import { CmdletError } from './cmdlet-error.js';
import {
  newObject,
  removeObject,
  setObject,
  switchObject,
  type ApplyContext,
  type ChangeOutcome,
  type ChangeSubject,
} from './cmdlet-object-verbs.js';
import { parseCmdlet } from './cmdlet-parse.js';
import { closestName, listNames } from './cmdlet-suggest.js';
import type { ParsedCmdlet } from './cmdlet-syntax.js';

export { CmdletError } from './cmdlet-error.js';
export { SUPPORTED_CMDLETS } from './cmdlet-catalog.js';
export type { ChangeSubject } from './cmdlet-object-verbs.js';

export interface CmdletChangeResult {
  /** A new case with the change applied; the input case is left as it was. */
  case: Case;
  /** One line in plain words: what changed, old → new. */
  description: string;
  /** The object the change touched. */
  subject: ChangeSubject;
}

type Handler = (ctx: ApplyContext) => ChangeOutcome;

const HANDLERS: Record<string, Handler> = {
  'New-InboundConnector': (ctx) => newObject(ctx, INBOUND_CONNECTOR, (name) => newInboundConnector(name, ctx.provenance.file), finishInboundConnector),
  'Set-InboundConnector': (ctx) => setObject(ctx, INBOUND_CONNECTOR),
  'Remove-InboundConnector': (ctx) => removeObject(ctx, INBOUND_CONNECTOR),
  'New-OutboundConnector': (ctx) => newObject(ctx, OUTBOUND_CONNECTOR, (name) => newOutboundConnector(name, ctx.provenance.file), finishOutboundConnector),
  'Set-OutboundConnector': (ctx) => setObject(ctx, OUTBOUND_CONNECTOR),
  'Remove-OutboundConnector': (ctx) => removeObject(ctx, OUTBOUND_CONNECTOR),
  'New-SendConnector': (ctx) => newObject(ctx, SEND_CONNECTOR, (name) => newSendConnector(name, ctx.provenance.file), finishSendConnector),
  'Set-SendConnector': (ctx) => setObject(ctx, SEND_CONNECTOR),
  'Remove-SendConnector': (ctx) => removeObject(ctx, SEND_CONNECTOR),
  'Set-ReceiveConnector': setReceiveConnector,
  'Enable-ExchangeCertificate': enableExchangeCertificate,
  'Set-AcceptedDomain': setAcceptedDomain,
  'Set-OrganizationConfig': setOrganizationConfig,
  'Remove-BlockedConnector': removeBlockedConnector,
  'New-JournalRule': (ctx) => newObject(ctx, JOURNAL_RULE, (name) => newJournalRule(name, ctx.provenance.file)),
  'Set-JournalRule': (ctx) => setObject(ctx, JOURNAL_RULE),
  'Remove-JournalRule': (ctx) => removeObject(ctx, JOURNAL_RULE),
  'Enable-JournalRule': (ctx) => switchObject(ctx, JOURNAL_RULE, true),
  'Disable-JournalRule': (ctx) => switchObject(ctx, JOURNAL_RULE, false),
};

/** Connectors Exchange switches on and off with Set-… -Enabled, for which no Enable-/Disable- cmdlet exists. */
const SWITCHED_BY_SET = new Set(['inboundconnector', 'outboundconnector', 'sendconnector', 'receiveconnector']);

/**
 * Applies one change, written as the cmdlet an admin would run, to a copy of the case.
 * Throws a CmdletError when the command does not parse, uses a cmdlet or parameter the what-if
 * does not know (or Exchange does not have), names no single object, or would be refused by Exchange.
 */
export function applyChange(c: Case, change: ParsedCmdlet | string): CmdletChangeResult {
  const given = typeof change === 'string' ? parseCmdlet(change) : change;
  const shorthand = switchShorthand(given);
  const parsed = shorthand ? parseCmdlet(shorthand) : given;
  const spec = cmdletSpec(parsed.name);
  const handler = spec ? HANDLERS[spec.name] : undefined;
  if (!spec || !handler) throw unsupported(parsed);
  const copy = cloneCase(c);
  const ctx: ApplyContext = {
    src: { text: parsed.text, cmdlet: spec.name },
    parsed,
    spec,
    case: copy,
    provenance: { file: `whatif: ${parsed.text.trim()}` },
  };
  const outcome = handler(ctx);
  if (shorthand) outcome.description = `${given.name} is not an Exchange cmdlet; applied as ${shorthand}. ${outcome.description}`;
  return { case: copy, ...outcome };
}

/**
 * Exchange switches connectors with Set-… -Enabled and has no Enable-/Disable- cmdlets for them;
 * admins still type them, so they are read as that Set- command (and the description says so).
 * Any parameter other than the identity is refused rather than dropped.
 */
function switchShorthand(parsed: ParsedCmdlet): string | null {
  const verb = parsed.verb.toLowerCase();
  const noun = parsed.noun.toLowerCase();
  if ((verb !== 'enable' && verb !== 'disable') || !SWITCHED_BY_SET.has(noun)) return null;
  const set = SUPPORTED_CMDLETS.find((n) => n.toLowerCase() === `set-${noun}`);
  if (!set) return null;
  const identity = parsed.parameters.Identity?.value ?? parsed.positional[0];
  const others = Object.keys(parsed.parameters).filter((n) => n !== 'Identity' && !SESSION_PARAMETERS.has(n));
  if (!identity || others.length > 0 || parsed.positional.length > (parsed.parameters.Identity ? 0 : 1)) {
    throw new CmdletError(`${parsed.name} takes only -Identity here (Exchange itself has no such cmdlet; write ${set} -Identity "<name>" -Enabled ${verb === 'enable' ? '$true' : '$false'}).`);
  }
  return `${set} -Identity ${identity.text} -Enabled ${verb === 'enable' ? '$true' : '$false'}`;
}

/** Applies changes in order, each to the result of the one before. */
export function applyChanges(c: Case, changes: ReadonlyArray<ParsedCmdlet | string>): { case: Case; applied: CmdletChangeResult[] } {
  const applied: CmdletChangeResult[] = [];
  let current = c;
  for (const change of changes) {
    const result = applyChange(current, change);
    applied.push(result);
    current = result.case;
  }
  return { case: current, applied };
}

function unsupported(parsed: ParsedCmdlet): CmdletError {
  const noun = parsed.noun.toLowerCase();
  const verb = parsed.verb.toLowerCase();
  const identity = parsed.parameters.Identity?.value.text ?? '"<name>"';
  if ((verb === 'enable' || verb === 'disable') && SWITCHED_BY_SET.has(noun)) {
    const set = SUPPORTED_CMDLETS.find((n) => n.toLowerCase() === `set-${noun}`) ?? `Set-${parsed.noun}`;
    return new CmdletError(
      `Exchange has no ${parsed.name} cmdlet: connectors are switched on and off with ${set} -Enabled. Write: ${set} -Identity ${identity} -Enabled ${verb === 'enable' ? '$true' : '$false'}`,
    );
  }
  if (verb === 'get' || verb === 'test') {
    return new CmdletError(`${parsed.name} only reads settings, so there is nothing to simulate. A what-if change uses one of: ${SUPPORTED_CMDLETS.join(', ')}`);
  }
  const suggestion = closestName(parsed.name, SUPPORTED_CMDLETS);
  return new CmdletError(
    `${parsed.name} is not a cmdlet the what-if can apply.${suggestion ? ` Did you mean ${suggestion}?` : ''} Supported: ${listNames(SUPPORTED_CMDLETS, 50, false)}`,
  );
}
