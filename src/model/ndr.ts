/**
 * Status codes an admin meets in hybrid mail flow (NDR-CATALOG.md), as data: one catalog that the
 * evidence readers, the evidence rules and `explain` share. The catalog itself lives in
 * `ndr-catalog.ts`; recognising statuses in free text in `ndr-recognise.ts`.
 */

/** One catalog entry: a status (or a family of statuses) with its meaning, causes and fixes. */
export interface NdrEntry {
  /** Stable key, e.g. `5.7.64-tenant-attribution`, `4.4.7-queue-expired`. */
  id: string;
  /** Enhanced status code or family as written in the catalog (`5.7.64`, `4.7.5xx`, `5.7.606-649`). */
  code: string;
  /** The text as Exchange writes it; variable parts as `<…>`. */
  text: string;
  /** What it means, in one or two sentences. */
  meaning: string;
  /** Where an admin meets it: `NDR`, `message trace`, `queue`, `send protocol log`, `receive protocol log`, `tracking log`, `capture`, `headers`. */
  appearsIn: string[];
  /** The system that writes it (`Exchange Online`, `Exchange Server`, `the sending server`). */
  generatedBy: string;
  /** What happens to the message: retried until expiry, bounced, dropped, or nothing (information). */
  outcome: 'deferred' | 'rejected' | 'dropped' | 'info';
  /** Causes in hybrid terms. */
  causes: string[];
  /** Fix steps, each with where to run it (`Exchange Online PowerShell`, `Exchange Management Shell`, `DNS`, `Microsoft support`, …). */
  fixes: { step: string; where: string }[];
  /** Rule ids (RULES.md v2) this status is evidence for. */
  rules: string[];
  /** Sources (Microsoft documents, KB articles) by URL or title. */
  references: string[];
}

/** One status recognised in a piece of text (an NDR, a trace row's detail, a LastError, a reply). */
export interface RecognisedStatus {
  /** The catalog entry's id. */
  entryId: string;
  /** The SMTP reply code when written (`550`), else null. */
  basicCode: number | null;
  /** The enhanced status code as written (`5.7.64`), else null. */
  enhancedCode: string | null;
  /** Markers that refine the meaning: `ATTR34`, `ATTR35`, `ATTR36`, `AS(201806281)`, `SubjectMismatch`, … */
  markers: string[];
  /** The recognised text, trimmed and at most MAX_STATUS_TEXT characters. */
  text: string;
  /** Character offset of the status in the text it was found in. */
  offset: number;
}

/** Longest status text kept (a hostile input cannot make observations large). */
export const MAX_STATUS_TEXT = 400;
