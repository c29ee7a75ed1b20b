import { open } from 'node:fs/promises';

/**
 * The first `max` bytes of a file and its whole size, for readers that take a small file whole
 * (NDR messages, queue exports) but must stay bounded on a huge one. Throws what the file system
 * throws; the caller turns it into a diagnostic.
 */
export async function readFileHead(file: string, max: number): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const bytes = Buffer.alloc(Math.min(size, max));
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
