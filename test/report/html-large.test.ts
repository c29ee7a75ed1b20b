import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/report-json.js';
import { diagnoseHtml } from '../../src/report/html/build.js';
// @ts-expect-error plain JavaScript module without types
import { writeTopologyEstate } from '../../bench/topology-generator.mjs';
import { diagnosePaths, fetchableReferences } from './html-helpers.js';

/**
 * A service provider's estate (issue 15: "Large estates (10,000 tenants) must give a usable
 * report"): failing and anomalous flows first, the rest summarised, the page a bounded size.
 * MFD_LARGE_TENANTS sets the size (default 10,000).
 */
const TENANTS = Number(process.env.MFD_LARGE_TENANTS ?? 10_000);

describe(`an estate of ${TENANTS} tenants`, () => {
  it('gives a bounded page: anomalies first, every flagged flow diagrammed or listed, the rest summarised', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-html-large-'));
    writeTopologyEstate(dir, TENANTS, { format: 'yaml' });
    const d = await diagnosePaths(dir);
    const page = diagnoseHtml(d);
    const json = JSON.parse(renderJson(d)) as { flows: { outcome: string; anomalies: string[] }[]; inputs: unknown[] };
    expect(json.inputs.length).toBe(TENANTS + 1);
    // Bounded: a few MB whatever the number of tenants (the JSON report of the same estate is far larger).
    expect(Buffer.byteLength(page)).toBeLessThan(6_000_000);
    expect(Buffer.byteLength(page)).toBeLessThan(Buffer.byteLength(renderJson(d)));
    expect(fetchableReferences(page)).toEqual([]);
    const flagged = json.flows.filter((f) => f.outcome !== 'delivered' || f.anomalies.length > 0).length;
    const listed = page.match(/<details data-outcome=/g)?.length ?? 0;
    expect(listed).toBeGreaterThanOrEqual(Math.min(flagged, 1000));
    expect(listed).toBeLessThanOrEqual(1000);
    if (json.flows.length > listed) expect(page).toContain('more flow(s), delivered without anomaly unless counted otherwise, are summarised by origin');
    // The appendix lists failing and anomalous flows before the others.
    const outcomes = [...page.matchAll(/<details data-outcome="([a-z]+)"><summary>[^<]*<span class="out [a-z]+">[a-z]+<\/span>( ⚠)?/g)].map((m) => m[1] !== 'delivered' || m[2] !== undefined);
    const firstPlain = outcomes.indexOf(false);
    if (firstPlain >= 0) expect(outcomes.slice(firstPlain).every((x) => !x)).toBe(true);
    expect(page).toContain(`${TENANTS + 1} files`);
  }, 900_000);
});
