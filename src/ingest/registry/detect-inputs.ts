import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DetectedInput, InputFile } from './input-file.js';
import { fromDetectedLazily, readInputLazily } from './lazy-detect.js';

/**
 * Every file of the case read and detected (read-input.ts), in the order given. A provider's case
 * is tens of thousands of small exports, and reading and detecting them is about a third of the
 * load: with a second CPU, a worker thread does that while this thread parses and maps what the
 * worker has done. Both claim chunks of the list from one shared counter — this thread takes the
 * chunk it needs next itself when the worker has not claimed it (while the worker starts, or if
 * it fails), so the results come out in the same order, with the same content, either way. A
 * handful of files never pays for starting a worker.
 */
export async function* detectInputs(files: readonly string[], options: DetectInputsOptions = {}): AsyncGenerator<InputFile> {
  for await (const chunk of detectInputChunks(files, options)) yield* chunk;
}

/**
 * detectInputs a chunk at a time: a provider's case is tens of thousands of files, and a turn of
 * an async generator (and an await) per file costs more than handing over each file's result.
 * A file needs an await only while the modules its detection asks for load (its format's first
 * file, lazy-detect.ts).
 */
export async function* detectInputChunks(files: readonly string[], options: DetectInputsOptions = {}): AsyncGenerator<InputFile[]> {
  const { minFilesForWorker = WORKER_MIN_FILES, workerFirst = false } = options;
  const worker = files.length >= minFilesForWorker ? startWorker(files) : null;
  if (worker === null) {
    yield* readBatches(files, 0, files.length);
    return;
  }
  try {
    const chunks = Math.ceil(files.length / CHUNK);
    for (let c = 0; c < chunks; c++) {
      // This thread's own claim on chunk c succeeds only if the worker has not claimed it yet.
      const mine = !workerFirst && Atomics.compareExchange(worker.state, CLAIMED, c, c + 1) === c;
      const detected = mine ? null : await worker.take(c);
      const from = c * CHUNK;
      const to = Math.min(files.length, from + CHUNK);
      if (detected === null) yield* readBatches(files, from, to);
      else yield await fromDetectedChunk(detected);
      Atomics.store(worker.state, CONSUMED, c + 1);
      // A worker held back by the window is woken every few chunks, not for each: it then runs
      // ahead in one stretch instead of trading the CPU with this thread chunk by chunk. It
      // waits only WINDOW chunks ahead, so this thread always reaches the next wake-up on its own.
      if ((c + 1) % WAKE_EVERY === 0) Atomics.notify(worker.state, CONSUMED);
    }
  } finally {
    void worker.stop();
  }
}

/**
 * The files from..to read on this thread, CHUNK files at a time, and fewer when their bytes pass
 * HELD_BYTES: configuration files are read whole, and a batch of large exports is not held at once.
 */
async function* readBatches(files: readonly string[], from: number, to: number): AsyncGenerator<InputFile[]> {
  let batch: InputFile[] = [];
  let held = 0;
  for (let i = from; i < to; i++) {
    const read = readInputLazily(files[i]!);
    const input = read instanceof Promise ? await read : read;
    batch.push(input);
    held += input.bytes?.length ?? 0;
    if (batch.length >= CHUNK || held >= HELD_BYTES) {
      yield batch;
      batch = [];
      held = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

async function fromDetectedChunk(detected: readonly DetectedInput[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const d of detected) {
    const input = fromDetectedLazily(d);
    out.push(input instanceof Promise ? await input : input);
  }
  return out;
}

export interface DetectInputsOptions {
  /** Fewer files than this are read on this thread alone (default 512). */
  minFilesForWorker?: number;
  /**
   * Wait for the worker's results instead of reading a chunk it has not claimed yet (tests: every
   * chunk then crosses from the worker). A worker that stops still leaves its chunks to this thread.
   */
  workerFirst?: boolean;
}

/** Files per message: small enough to start soon, large enough that messages cost little. */
const CHUNK = 64;
/** How many chunks the worker may run ahead of this thread (about 4,000 files). */
const WINDOW = 64;
/** How many chunks this thread takes between wake-ups of a waiting worker (well under WINDOW). */
const WAKE_EVERY = 16;
const WORKER_MIN_FILES = 512;
/** Bytes of whole files a batch read on this thread holds at most before it is handed over (one larger file goes alone). */
const HELD_BYTES = 16 << 20;

/** Indexes in the shared state: the next chunk to claim, and the chunks this thread has taken. */
export const CLAIMED = 0;
export const CONSUMED = 1;

export interface DetectWorkerData {
  files: readonly string[];
  chunk: number;
  window: number;
  shared: SharedArrayBuffer;
}

interface RunningWorker {
  state: Int32Array;
  /** The worker's results for chunk c, or null when it stopped without them (this thread reads the chunk then). */
  take(c: number): Promise<DetectedInput[] | null>;
  stop(): Promise<number>;
}

function startWorker(files: readonly string[]): RunningWorker | null {
  if (availableParallelism() < 2) return null;
  // Only next to the compiled module: run from TypeScript sources (tests), everything stays on this thread.
  const script = new URL('./detect-worker.js', import.meta.url);
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return null;
  const shared = new SharedArrayBuffer(8);
  const state = new Int32Array(shared);
  let worker: Worker;
  try {
    const data: DetectWorkerData = { files, chunk: CHUNK, window: WINDOW, shared };
    worker = new Worker(script, { workerData: data });
  } catch {
    return null;
  }
  const arrived = new Map<number, DetectedInput[]>();
  let stopped = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: { chunk: number; results: DetectedInput[] }) => {
    arrived.set(m.chunk, m.results);
    notify();
  });
  // A worker that fails (or ends) leaves its unsent chunks to this thread: nothing is lost, only slower.
  worker.on('error', () => {
    stopped = true;
    notify();
  });
  worker.on('exit', () => {
    stopped = true;
    notify();
  });
  return {
    state,
    async take(c) {
      while (!arrived.has(c) && !stopped) await new Promise<void>((resolve) => (wake = resolve));
      const results = arrived.get(c) ?? null;
      arrived.delete(c);
      return results;
    },
    stop: () => worker.terminate(),
  };
}
