import { readFileSync } from 'node:fs';

/** The package's version, for the report's footer (src/ and dist/ both sit three levels below package.json). */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
