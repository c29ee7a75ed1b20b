import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson, renderJsonPieces } from '../../src/report/report-json.js';
import { diagnose, exampleTopology } from '../rules/rule-test-kit.js';

const EXAMPLES = readdirSync(new URL('../../examples/', import.meta.url)).filter((n) => !n.includes('.'));

describe('the JSON report written in pieces', () => {
  it.each(EXAMPLES)('is the same text as the report built at once (%s)', (name) => {
    const d = diagnose(exampleTopology(name));
    const pieces = [...renderJsonPieces(d)];
    expect(pieces.length).toBeGreaterThan(d.simulation.flows.length);
    expect(pieces.join('')).toBe(renderJson(d));
    expect(JSON.parse(pieces.join('')).flows).toHaveLength(d.simulation.flows.length);
  });
});
