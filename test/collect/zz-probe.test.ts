import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { collectScript } from '../../src/collect/collect-script.js';
import { DEFAULT_COLLECT_OPTIONS } from '../../src/collect/collect-options.js';
import { parsePowerShell, syntaxErrors } from './powershell-grammar.js';
it('probe', async () => {
for (const side of ['onprem','online','both'] as const) {
  const s = collectScript({ ...DEFAULT_COLLECT_OPTIONS, side, delegatedOrganizations: side==='onprem'?[]:['fabrikam.onmicrosoft.com'] });
  writeFileSync(`/tmp/tsps/${side}.ps1`, s);
  const t = await parsePowerShell(s);
  console.log(side, s.length, 'nonascii', /[^\x00-\x7f]/.test(s), syntaxErrors(t).slice(0,10));
}
});
