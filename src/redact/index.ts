/**
 * Redaction: consistent pseudonyms for every customer name, address and identifier in a case,
 * so a case or a report can be shared (docs/redaction.md). For a report command's `--redact`:
 * `redactText(reportText, await buildRedactionMap(paths))`.
 */
export { RedactionMap, type RedactionMapFile } from './redaction-map.js';
export { redactText, reverseText, collectText } from './redact-text.js';
export { buildRedactionMap, redactPaths, type RedactResult, type RedactedFile, type RedactOptions } from './redact-files.js';
