/** `kind: mailflow-topology` in YAML, or `"kind": "mailflow-topology"` in JSON, anywhere in the sample. */
const TOPOLOGY_MARKER = /(?:^|[\s{,])["']?kind["']?\s*:\s*["']?mailflow-topology\b/m;

/** True when a text sample is a topology file (CONTRACT: detected by content, not by name). */
export function detectTopology(sample: string): boolean {
  return TOPOLOGY_MARKER.test(sample);
}
