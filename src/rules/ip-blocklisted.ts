import type { SmtpReply } from '../model/evidence.js';
import type { Evidence, Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { endpointText, evidenceOf, groupEvidence, replyText } from './support/evidence.js';
import { bracketedIp } from './support/status-case-lookups.js';
import { statusesForRule } from './support/status-evidence.js';
import { notCountedYet, statusEvidence, statusLine } from './support/status-findings.js';

/**
 * S4.8 (seed 004): Exchange Online refuses connections from addresses on its block lists with
 * `5.7.606`–`5.7.649` ("Access denied, banned sending IP [x]"); other receivers name the list in a
 * 5xx reply ("blocked using zen.spamhaus.org"). Delisting is per list (the delist portal for
 * Microsoft's own).
 */
function isBlockListReply(r: SmtpReply | null): boolean {
  if (!r || r.code < 400) return false;
  const m = /^5\.7\.(\d{3})$/.exec(r.enhanced ?? '');
  if (m && Number(m[1]) >= 606 && Number(m[1]) <= 649) return true;
  return /banned sending IP|blocked using|listed (?:at|on|in) |on (?:our|a) block ?list|RBL|Spamhaus|Barracuda Reputation/i.test(r.text);
}

export const rule: Rule = {
  id: 'ip-blocklisted',
  title: 'The sending IP is on a block list',
  severity: 'error',
  description: 'Receivers refuse mail from an address on a block list until it is delisted.',
  run(ctx: RuleContext): Finding[] {
    const byIp = new Map<string, { replies: string[]; evidence: Evidence[]; count: number }>();
    const add = (ip: string, t: string, count: number, ev: Evidence[]): void => {
      const e = byIp.get(ip) ?? { replies: [], evidence: [], count: 0 };
      e.count += count;
      if (!e.replies.includes(t) && e.replies.length < 3) e.replies.push(t);
      if (e.evidence.length < 5) e.evidence.push(...ev.slice(0, 1));
      byIp.set(ip, e);
    };
    const evidence = evidenceOf(ctx.case);
    for (const g of evidence.sessions) {
      const reply = g.sample.replies.find((r) => isBlockListReply(r));
      if (!reply) continue;
      const s = g.sample;
      const ip = /\[(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+)\]/i.exec(reply.text)?.[1] ?? s.client.ip ?? '(unknown address)';
      add(ip, replyText(reply), g.count, groupEvidence(g, `${endpointText(s.client)} → ${endpointText(s.server)}: ${replyText(reply)}`));
    }
    for (const g of evidence.traces) {
      if (!isBlockListReply(g.sample.response)) continue;
      // A tracking log's client-ip on an SMTP SEND/FAIL is the local transport server (FORMATS.md 2):
      // the address the receiver refused is the one its reply quotes, as in the other branches.
      const ip = bracketedIp(g.sample.response!.text) ?? g.sample.clientIp ?? '(unknown address)';
      add(ip, replyText(g.sample.response!), g.count, groupEvidence(g, `${g.sample.sender ?? '?'} → ${g.sample.recipient ?? '?'}: ${replyText(g.sample.response!)}`));
    }
    // RULES.md v2: 5.7.606–649 / 5.7.511 recognised in any evidence kind (NDR, send log), once per source line.
    const counted = [...evidence.sessions.filter((g) => g.sample.replies.some(isBlockListReply)), ...evidence.traces.filter((g) => isBlockListReply(g.sample.response))];
    for (const g of notCountedYet(statusesForRule(ctx.case, this.id), counted)) {
      const ip = bracketedIp(g.sample.status.text) ?? g.sample.clientIp ?? '(unknown address)';
      add(ip, statusLine(g.sample.status), g.count, statusEvidence([g]));
    }
    return [...byIp.entries()].map(([ip, e]) => ({
      rule: this.id,
      severity: this.severity,
      title: this.title,
      message: `${e.count} ${e.count === 1 ? 'refusal shows' : 'refusals show'} ${ip} on a block list: ${e.replies.join(' | ')}. Mail from that address is refused until it is delisted.`,
      subjects: [{ type: 'Host', name: ip }],
      evidence: e.evidence,
      fix: [
        { text: `Find why ${ip} was listed (an open relay, a compromised account, a mass mailing) and stop it first.` },
        { text: 'Then request delisting: for Exchange Online (5.7.606–649) at https://sender.office.com; for 5.7.511 (banned sender) by mail to delist@microsoft.com; for other lists, at the list named in the reply.' },
      ],
      references: [
        'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-606-649-in-exchange-online',
        'https://go.microsoft.com/fwlink/?LinkID=526655',
        'https://sender.office.com',
      ],
    }));
  },
};
