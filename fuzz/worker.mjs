// Runs the oracle on one file at a time for the harness; the harness kills and replaces it when
// it overruns its time or memory.
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { judge } from './oracle.mjs';

const { loadCase } = await import(pathToFileURL(`${workerData.dist}/ingest/load-case.js`).href);
parentPort.on('message', async ({ id, file }) => {
  const verdict = await judge(loadCase, file);
  parentPort.postMessage({ id, verdict });
});
parentPort.postMessage({ ready: true });
