import type { NdrEntry } from '../model/ndr.js';
import { ndrEntry } from '../model/ndr-catalog.js';
import { recogniseStatuses } from '../model/ndr-recognise.js';
import type { ProbeReply } from './probe-types.js';

/** A 4xx/5xx reply with what the NDR catalog says about it (null entry: the catalog does not know the status). */
export interface ExplainedReply {
  reply: ProbeReply;
  entry: Pick<NdrEntry, 'id' | 'code' | 'meaning' | 'outcome' | 'fixes' | 'rules'> | null;
  markers: string[];
}

export function replyText(r: Pick<ProbeReply, 'code' | 'enhanced' | 'text'>): string {
  return `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''}${r.text ? ` ${r.text.split('\n')[0]}` : ''}`;
}

/** Every reply of 400 and above, recognised against NDR-CATALOG (the same recogniser the evidence readers use). */
export function explainReplies(replies: readonly ProbeReply[]): ExplainedReply[] {
  return replies
    .filter((r) => r.code >= 400)
    .map((reply) => {
      const found = recogniseStatuses(`${reply.code} ${reply.enhanced ? `${reply.enhanced} ` : ''}${reply.text}`)[0];
      const e = found ? ndrEntry(found.entryId) : undefined;
      return {
        reply,
        entry: e ? { id: e.id, code: e.code, meaning: e.meaning, outcome: e.outcome, fixes: e.fixes, rules: e.rules } : null,
        markers: found?.markers ?? [],
      };
    });
}
