/**
 * Sealed containers on disk: what a stolen disk shows, tampering that only a key can detect, and
 * blobs stored before encryption (container version 1) that stay readable beside sealed ones.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

import { compressible, pieces, readAll, sha256 } from './blob-store.contract.ts';
import { SEALED_FORMAT_VERSION, indexEntry } from './blob-container.ts';
import { newDataKey } from './blob-seal.ts';
import type { BlobKey } from './blob-seal.ts';
import { blobKeyRequired, blobUnreadable } from './blobs.errors.ts';
import { blobFile, layoutOf, makeFsHarness } from './fs-blob-store.testing.ts';

const address = sha256(Buffer.from('keyed address of the test blob'));

describe('sealed containers on disk', () => {
  it('show neither the content, nor its SHA-256, nor the per-chunk digests of the content', async () => {
    const h = await makeFsHarness(2, 64 * 1024);
    try {
      const marker = '统一社会信用代码91310000MA1FL0000X';
      const data = Buffer.from(`${marker}\n`.repeat(20_000));
      const key: BlobKey = { cipher: 'aes-256-gcm', key: newDataKey('aes-256-gcm') };
      const staged = await h.store.stage(pieces(data));
      const committed = await staged.commit({ address, ...key });
      assert.equal(committed.address, address);
      assert.equal(committed.sha256, sha256(data));
      for (const volume of h.volumes) {
        const file = await readFile(blobFile(volume, address));
        assert.equal(file.readUInt16BE(8), SEALED_FORMAT_VERSION);
        assert.equal(file.includes(Buffer.from(marker)), false, 'plaintext on disk');
        assert.equal(file.includes(Buffer.from(committed.sha256, 'hex')), false, 'content digest on disk');
        const firstChunk = Buffer.from(sha256(data.subarray(0, 64 * 1024)), 'hex');
        assert.equal(file.includes(firstChunk), false, 'chunk digest on disk');
      }
      assert.ok((await readAll(await h.store.get(address, undefined, key))).equals(data));
      // compressed before it was encrypted: encrypted bytes would not shrink
      assert.ok(committed.storedSize < data.length / 10, `stored ${committed.storedSize} bytes`);
    } finally {
      await h.dispose();
    }
  });

  it('refuses two chunks swapped with their index entries (the chunk number is authenticated)', async () => {
    const h = await makeFsHarness(1 + 1, 1024);
    try {
      const data = Buffer.concat([Buffer.alloc(1024, 0x41), Buffer.alloc(1024, 0x42)]);
      const key: BlobKey = { cipher: 'sm4-gcm', key: newDataKey('sm4-gcm') };
      await (await h.store.stage(pieces(data))).commit({ address, ...key });
      for (const volume of h.volumes) {
        const path = blobFile(volume, address);
        const layout = await layoutOf(path, address);
        const [a, b] = [indexEntry(layout, 0), indexEntry(layout, 1)];
        assert.equal(a.storedLength, b.storedLength, 'same stored lengths, so a swap keeps the layout valid');
        const file = await readFile(path);
        const chunkA = Buffer.from(file.subarray(a.offset, a.offset + a.storedLength));
        file.copy(file, a.offset, b.offset, b.offset + b.storedLength);
        chunkA.copy(file, b.offset);
        // swap the index entries' nonce and digest too, and recompute index digest and trailer CRC
        const { encodeTrailer, INDEX_ENTRY_SIZE } = await import('./blob-container.ts');
        const index = Buffer.from(layout.index);
        const entryA = Buffer.from(index.subarray(20, INDEX_ENTRY_SIZE));
        index.copy(index, 20, INDEX_ENTRY_SIZE + 20, 2 * INDEX_ENTRY_SIZE);
        entryA.copy(index, INDEX_ENTRY_SIZE + 20);
        index.copy(file, layout.indexOffset);
        encodeTrailer(layout.indexOffset, layout.chunkCount, index).copy(file, file.length - 64);
        await writeFile(path, file);
      }
      // structurally valid and keyless-consistent, yet every chunk fails its tag
      assert.deepEqual(
        (await h.store.check(address)).map((report) => report.state),
        ['ok', 'ok'],
      );
      await assert.rejects(
        async () => readAll(await h.store.get(address, undefined, key)),
        (error) => blobUnreadable.is(error),
      );
    } finally {
      await h.dispose();
    }
  });

  it('refuses a container in the clear put in place of a sealed one (no downgrade)', async () => {
    const h = await makeFsHarness(2);
    try {
      const data = compressible(5000);
      const key: BlobKey = { cipher: 'aes-256-gcm', key: newDataKey('aes-256-gcm') };
      await (await h.store.stage(pieces(data))).commit({ address, ...key });
      // a forged container in the clear whose header names the keyed address
      const forged = await makeFsHarness(2);
      try {
        const { encodeHeader } = await import('./blob-container.ts');
        await (await forged.store.stage(pieces(Buffer.from('forged content')))).commit();
        const [name] = await (async () => {
          const out: string[] = [];
          for await (const a of forged.store.list()) out.push(a);
          return out;
        })();
        const file = await readFile(blobFile(forged.volumes[0]!, name!));
        const header = encodeHeader({ chunkSize: file.readUInt32BE(12), size: 14, sha256: address });
        header.copy(file, 0);
        for (const volume of h.volumes) await writeFile(blobFile(volume, address), file);
      } finally {
        await forged.dispose();
      }
      await assert.rejects(h.store.get(address, undefined, key), (error) => blobUnreadable.is(error));
    } finally {
      await h.dispose();
    }
  });

  it('keeps reading blobs stored in the clear before encryption was turned on', async () => {
    const h = await makeFsHarness(2);
    try {
      const old = compressible(3 * 1024 * 1024);
      const plain = await (await h.store.stage(pieces(old))).commit();
      assert.equal(plain.address, plain.sha256);
      const fresh = compressible(1000);
      const key: BlobKey = { cipher: 'aes-256-gcm', key: newDataKey('aes-256-gcm') };
      await (await h.store.stage(pieces(fresh))).commit({ address, ...key });
      assert.ok((await readAll(await h.store.get(plain.sha256))).equals(old));
      assert.ok((await readAll(await h.store.get(address, undefined, key))).equals(fresh));
      await assert.rejects(h.store.get(address), (error) => blobKeyRequired.is(error));
    } finally {
      await h.dispose();
    }
  });
});
