import type { StartTlsState } from '../../model/evidence.js';
import { isMaskedBanner, isMaskedKeyword, replyClass } from './smtp-text.js';

/**
 * How STARTTLS fared (RFC 3207), including its masking by firewall SMTP inspection (scenario
 * S4.7): Cisco ASA "inspect esmtp" without allow-tls writes `XXXXXXXA` for STARTTLS, PIX
 * "fixup protocol smtp" writes asterisks and masks the banner, and a STARTTLS that was offered
 * but answered "500 command unrecognized" was rewritten on its way (EXO-RESEARCH §8).
 */
export class StartTlsTracker {
  state: StartTlsState = 'none';
  readonly notes: string[] = [];
  private offered = false;
  private bannerMasked = false;

  banner(text: string): void {
    if (!isMaskedBanner(text)) return;
    this.bannerMasked = true;
    this.notes.push('The banner is masked with asterisks: a firewall (Cisco PIX "fixup protocol smtp" / ASA ESMTP inspection) rewrites this SMTP conversation.');
  }

  /** The reply to EHLO before TLS: `keywords` are its lines after the greeting. */
  ehlo(code: number, keywords: string[]): void {
    if (replyClass(code) !== 2) {
      if ((code === 500 || code === 502) && this.bannerMasked) this.mask('the server refused EHLO behind a masked banner');
      return;
    }
    const masked = keywords.filter(isMaskedKeyword);
    if (keywords.some((k) => /^STARTTLS\b/i.test(k))) {
      this.offered = true;
      if (this.state === 'none') this.state = 'offered';
    } else if (masked.length > 0) {
      this.mask(`the EHLO reply shows masked keywords (${masked.join(', ')}) and no STARTTLS`);
    }
  }

  /** The reply to STARTTLS; true when the server agreed (its next bytes are TLS). */
  reply(code: number): boolean {
    if (replyClass(code) === 2) {
      this.state = 'accepted';
      return true;
    }
    if ((code === 500 || code === 502) && (this.offered || this.bannerMasked)) {
      this.mask(`STARTTLS was offered but answered ${code} (command unrecognized): a device between the two ends rewrote the command`);
    } else if (this.state !== 'masked') {
      this.state = 'refused';
    }
    return false;
  }

  private mask(why: string): void {
    if (this.state === 'accepted') return;
    this.state = 'masked';
    this.notes.push(`STARTTLS is masked: ${why}. Firewall SMTP inspection (Cisco ASA "inspect esmtp" without allow-tls, PIX "fixup protocol smtp") does this; Microsoft supports no SMTP-modifying device between Exchange and Exchange Online.`);
  }
}
