import { diagnoseCase } from '../diagnose.js';
import { explainText } from '../explain.js';
import { explainToJson, renderExplainMarkdown, renderExplainText } from '../report/render-explain.js';
import { loadOrFail } from './load.js';
import { parseCommon, UsageError } from './options.js';
import { emit } from './output.js';
import { EXPLAIN_USAGE } from './usage-texts.js';

/** Longest standard input read (an NDR with attachments stays far below; a stray binary cannot exhaust memory). */
const MAX_STDIN = 32 * 1024 * 1024;

/**
 * `explain TEXT…` / `explain -` (CONTRACT v1.1): every status of the NDR catalog in the text, in
 * order, explained from the catalog; `--case PATH` diagnoses the case as `diagnose` does and sets
 * each status against its findings and simulated flows.
 */
export async function explainCommand(args: string[]): Promise<number> {
  if (args[0] === '-h' || args.includes('--help')) {
    process.stdout.write(EXPLAIN_USAGE);
    return 0;
  }
  let o;
  try {
    o = parseCommon(args, { case: { type: 'string', multiple: true } });
  } catch (e) {
    // A pasted text can hold words that look like options (`-DomainType`): say how to pass it.
    throw new UsageError(`${(e as Error).message} Quote the text to explain, or pass it on standard input with -.`);
  }
  if (o.paths.length === 0) throw new UsageError('explain needs the text to explain (quote it), or - to read it from standard input.');
  const text = o.paths.length === 1 && o.paths[0] === '-' ? await readStdin() : o.paths.join(' ');
  const casePaths = (o.values.case as string[] | undefined) ?? [];
  let against = null;
  if (casePaths.length > 0) {
    const c = await loadOrFail(casePaths);
    const d = diagnoseCase(c, { at: o.at });
    against = { name: casePaths.join(', '), findings: d.findings, flows: d.simulation.flows };
  }
  const x = explainText(text, against);
  const out = o.format === 'json' ? explainToJson(x) : o.format === 'markdown' ? renderExplainMarkdown(x) : renderExplainText(x);
  await emit(out, o.output);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_STDIN) throw new UsageError(`standard input is larger than ${MAX_STDIN / 1024 / 1024} MB; paste the NDR's diagnostic block or the log lines only.`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
