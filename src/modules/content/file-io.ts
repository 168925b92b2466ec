/** Positional reads, so that headers and trailers are examined without loading whole files. */
import type { FileHandle } from 'node:fs/promises';

/** Reads up to `length` bytes at `position`; fewer come back when the file ends first. */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length));
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled);
}

/** The last `length` bytes of a file of `size` bytes (all of it when smaller). */
export async function readTail(handle: FileHandle, size: number, length: number): Promise<Buffer> {
  const start = Math.max(0, size - length);
  return readAt(handle, start, size - start);
}
