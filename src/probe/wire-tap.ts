import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * A pass-through between the TCP socket and Node's TLS layer that keeps a copy of every TLS byte
 * each way. Node cannot say whether the server sent a CertificateRequest or whether the client's
 * Certificate message was empty; the project's own capture reader can, from these bytes and the
 * key log (TLS 1.3 encrypts both), exactly as it reads them from a packet capture.
 */
export interface TappedChunk {
  fromClient: boolean;
  bytes: Buffer;
}

/** Bytes kept for the handshake read-back (the handshake is a few KB; the rest is SMTP). */
const MAX_TAPPED = 256 * 1024;

export class WireTap extends Duplex {
  readonly chunks: TappedChunk[] = [];
  private kept = 0;

  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', (d: Buffer) => {
      this.keep(false, d);
      if (!this.push(d)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (e) => this.destroy(e));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.keep(true, chunk);
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  private keep(fromClient: boolean, bytes: Buffer): void {
    if (this.kept >= MAX_TAPPED) return;
    this.chunks.push({ fromClient, bytes: Buffer.from(bytes) });
    this.kept += bytes.length;
  }
}
