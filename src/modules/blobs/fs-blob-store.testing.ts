/** Test helpers for the filesystem blob store: a harness over temporary volumes, damage on disk. */
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readLayout } from './blob-container.ts';
import type { ContainerLayout } from './blob-container.ts';
import type { BlobStoreHarness, DamageKind } from './blob-store.contract.ts';
import { createFsBlobStore } from './fs-blob-store.ts';

export function blobFile(volume: string, address: string): string {
  return join(volume, 'blobs', address.slice(0, 2), address.slice(2, 4), address);
}

export async function namesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}

/** Flips `count` bytes at `position` of a file. */
export async function flipBytes(path: string, position: number, count = 16): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await fh.read(buffer, 0, count, position);
    for (let i = 0; i < bytesRead; i++) buffer[i] = (buffer[i] as number) ^ 0xff;
    await fh.write(buffer, 0, bytesRead, position);
  } finally {
    await fh.close();
  }
}

export async function layoutOf(path: string, address: string): Promise<ContainerLayout> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    return await readLayout(
      async (position, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      },
      size,
      address,
    );
  } finally {
    await fh.close();
  }
}

export interface FsHarness extends BlobStoreHarness {
  root: string;
  volumes: string[];
}

export async function makeFsHarness(volumeCount: number, chunkSize?: number): Promise<FsHarness> {
  const root = await mkdtemp(join(tmpdir(), 'dangan-blobs-'));
  const volumes = Array.from({ length: volumeCount }, (_, i) => join(root, `disk${i}`));
  const store = createFsBlobStore({ volumes, chunkSize });
  return {
    root,
    volumes,
    store,
    chunkSize,
    async damage(address: string, replicaIndex: number, how: DamageKind) {
      const path = blobFile(volumes[replicaIndex] as string, address);
      const { size } = await stat(path);
      switch (how) {
        case 'delete':
          await rm(path);
          break;
        case 'corrupt':
          await flipBytes(path, Math.floor(size / 2));
          break;
        case 'truncate': {
          const fh = await open(path, 'r+');
          await fh.truncate(Math.floor(size / 2));
          await fh.close();
          break;
        }
      }
    },
    async stagingEntries() {
      const all = await Promise.all(volumes.map((volume) => namesIn(join(volume, 'staging'))));
      return all.flat();
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
