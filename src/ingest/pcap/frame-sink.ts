/**
 * What the pcap and pcapng readers hand on: frames as views into the reader's window (valid only
 * during the call: copy what must outlive it), never one object per packet.
 */
export interface FrameSink {
  /**
   * Capture time of the frame `frame` is told next, in ms since the epoch (NaN when the record has
   * none). A field the reader sets rather than an argument: a fractional number passed to a call
   * is boxed, one heap object per packet, while a store into a number field reuses its box.
   */
  timestampMs: number;
  /** One captured frame: `data[start, end)` holds the captured bytes of a frame `originalLength` long. */
  frame(linkType: number, data: Buffer, start: number, end: number, originalLength: number): void;
  /** A pcapng Decryption Secrets Block holding an NSS key log. */
  secrets(text: string): void;
  /** A link type the file declares (pcap header, pcapng interface). */
  linkType(linkType: number): void;
  /** A damaged part of the file itself (not of a packet): `at` is the file offset. */
  problem(at: number, message: string): void;
}

export interface ContainerRead {
  /** The file ended inside a record or block. */
  truncated: boolean;
  /** The rest of the file could not be read (a record length no capture can hold). */
  damaged: boolean;
}

/** Wireshark's limit for a standard packet (WTAP_MAX_PACKET_SIZE_STANDARD): larger lengths mean a damaged file. */
export const MAX_PACKET = 262_144;
