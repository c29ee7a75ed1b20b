import { parentPort, workerData } from 'node:worker_threads';
import { readInput, toDetected, type DetectedInput } from './read-input.js';
import { CLAIMED, CONSUMED, type DetectWorkerData } from './detect-inputs.js';

/**
 * A worker of detect-inputs.ts: claims chunks of the file list in turn (the main thread claims
 * the chunks it reaches first), reads and detects each file, and posts the chunk's results with
 * their buffers transferred. It stays at most `window` chunks ahead of what the main thread has
 * taken, so a large case is never held in memory whole.
 */
const { files, chunk, window, shared } = workerData as DetectWorkerData;
const state = new Int32Array(shared);
// Never a slice of Node's shared pool: each buffer is transferred, which detaches all of its memory.
const allocate = (size: number): Buffer => Buffer.allocUnsafeSlow(size);

for (;;) {
  const c = Atomics.add(state, CLAIMED, 1);
  if (c * chunk >= files.length) break;
  for (;;) {
    const consumed = Atomics.load(state, CONSUMED);
    if (c - consumed <= window) break;
    Atomics.wait(state, CONSUMED, consumed, 1000);
  }
  const results: DetectedInput[] = [];
  const transfer: ArrayBuffer[] = [];
  for (let i = c * chunk; i < Math.min(files.length, (c + 1) * chunk); i++) {
    const detected = toDetected(readInput(files[i]!, allocate));
    if (detected.bytes !== null) transfer.push(detected.bytes.buffer as ArrayBuffer);
    results.push(detected);
  }
  parentPort!.postMessage({ chunk: c, results }, transfer);
}
