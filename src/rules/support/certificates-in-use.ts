import type { Certificate } from '../../model/certificate.js';
import type { RuleContext } from '../rule.js';
import type { Presenter } from './presenters.js';

/** Certificates the estate actually presents, each with the routes that present it. */
export function certificatesInUse(ctx: RuleContext): Map<Certificate, Presenter[]> {
  const out = new Map<Certificate, Presenter[]>();
  for (const p of ctx.presenters) {
    if (!p.certificate) continue;
    const list = out.get(p.certificate);
    if (list) list.push(p);
    else out.set(p.certificate, [p]);
  }
  return out;
}
