import { writeFile } from 'node:fs/promises';
import { COLOR, PLAIN, type Style } from '../report/style.js';

/** Colour only for a terminal, and never in files or when NO_COLOR is set. */
export function styleFor(output: string | null): Style {
  return output === null && process.stdout.isTTY && !process.env.NO_COLOR ? COLOR : PLAIN;
}

export async function emit(text: string, output: string | null): Promise<void> {
  if (output) await writeFile(output, text, 'utf8');
  else process.stdout.write(text);
}
