import type { CapturedReply, CapturedTransaction } from './capture-model.js';
import { transactionOutcome } from './smtp-text.js';

/** Transactions kept per session; a relay may send thousands over one connection, the rest are counted. */
export const MAX_TRANSACTIONS = 1000;

interface OpenTransaction {
  tx: CapturedTransaction;
  /** The reply to its end of data (or BDAT LAST): what became of the message. */
  final: CapturedReply | null;
}

/**
 * The mail transactions of one SMTP session (RFC 5321 §3.3): opened by MAIL, or by RCPT, DATA or
 * BDAT when the capture lacks the MAIL line; closed by the reply to the end of the content or by
 * RSET; their outcome read from that final reply once the session ends.
 */
export class TransactionBook {
  readonly transactions: CapturedTransaction[] = [];
  notKept = 0;
  private current: OpenTransaction | null = null;
  private readonly open = new Map<CapturedTransaction, OpenTransaction>();

  /** The transaction commands now belong to, if one is open. */
  get currentTx(): CapturedTransaction | null {
    return this.current?.tx ?? null;
  }

  /** MAIL FROM: a new transaction. */
  begin(mailFrom: string | null, afterTls: boolean, packet: number): CapturedTransaction {
    const tx: CapturedTransaction = { mailFrom, rcptTo: [], replies: [], outcome: 'incomplete', messageBytes: 0, afterTls, packet };
    this.current = { tx, final: null };
    this.keep(tx, this.current);
    return tx;
  }

  /** The open transaction, or one begun without its MAIL line (the capture joined mid-transaction, or the line was lost). */
  currentOrNew(afterTls: boolean, packet: number): CapturedTransaction {
    return this.current?.tx ?? this.begin(null, afterTls, packet);
  }

  /** RSET: no transaction is open any more. */
  reset(): void {
    this.current = null;
  }

  /** The reply that ends a transaction's content. */
  final(tx: CapturedTransaction, reply: CapturedReply): void {
    const open = this.open.get(tx);
    if (open) open.final = reply;
    if (this.current?.tx === tx) this.current = null;
  }

  /** Content bytes go to the open transaction, else to the last one (its content outlasted its reply). */
  countContent(bytes: number): void {
    const tx = this.current?.tx ?? this.transactions[this.transactions.length - 1];
    if (tx) tx.messageBytes += bytes;
  }

  /** Each transaction's outcome as far as the capture shows it. */
  finish(): void {
    for (const t of this.transactions) t.outcome = transactionOutcome(t, this.open.get(t)?.final ?? null);
  }

  private keep(tx: CapturedTransaction, open: OpenTransaction): void {
    if (this.transactions.length >= MAX_TRANSACTIONS) {
      this.notKept++;
      return;
    }
    this.open.set(tx, open);
    this.transactions.push(tx);
  }
}
