import { LIMITS } from '../limits.js';

/**
 * What a zip input may cost (the loader's LIMITS, for archives): a hostile or broken archive is
 * refused entry by entry with a diagnostic, never extracted without bound. A collection zip holds
 * configuration exports (KB each, tens of thousands for a provider), message traces and protocol
 * logs (GB at most); text like that deflates 5–30 times, so 200 is far above any real export and
 * far below a zip bomb's ~1000.
 */
export interface ZipLimits {
  /** Entries read from one archive; the rest are refused in one diagnostic. */
  entries: number;
  /** Bytes of the central directory (about 100 per entry). */
  centralDirectoryBytes: number;
  /** Bytes one entry may extract to. */
  entryBytes: number;
  /** Bytes all entries of one input (nested archives included) may extract to. */
  totalBytes: number;
  /** Extracted bytes per compressed byte, judged once an entry is past `ratioFloor` bytes. */
  ratio: number;
  /** Small files deflate far (a page of one repeated line): the ratio is judged above this size only. */
  ratioFloor: number;
  /** Archives inside an archive: how deep (1: a zip in the zip is read, a zip in that one is not). */
  nestedDepth: number;
  /** Folder levels of one entry's path. */
  pathDepth: number;
  /** Characters of one entry's path. */
  pathLength: number;
}

export const ZIP_LIMITS: ZipLimits = {
  entries: 100_000,
  centralDirectoryBytes: 64 << 20,
  entryBytes: 8 * 1024 ** 3,
  totalBytes: 32 * 1024 ** 3,
  ratio: 200,
  ratioFloor: 1 << 20,
  nestedDepth: 1,
  pathDepth: LIMITS.nestingDepth,
  pathLength: 1024,
};
