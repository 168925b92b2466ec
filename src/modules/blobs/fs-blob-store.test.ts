import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';

import { indexEntry } from './blob-container.ts';
import { compressible, listAll, pieces, readAll, runBlobStoreContract } from './blob-store.contract.ts';
import { blobUnreadable, storageFull } from './blobs.errors.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { blobFile, flipBytes, layoutOf, makeFsHarness, namesIn } from './fs-blob-store.testing.ts';

const KiB = 1024;
const MiB = 1024 * 1024;

runBlobStoreContract('filesystem, 2 volumes, 1 MiB chunks', () => makeFsHarness(2));
runBlobStoreContract('filesystem, 3 volumes, 64 KiB chunks', () => makeFsHarness(3, 64 * KiB));
runBlobStoreContract('filesystem, 2 volumes, 1 MiB chunks', () => makeFsHarness(2), {
  sealed: 'aes-256-gcm',
});
runBlobStoreContract('filesystem, 3 volumes, 64 KiB chunks', () => makeFsHarness(3, 64 * KiB), {
  sealed: 'sm4-gcm',
});

describe('filesystem BlobStore', () => {
  it('lays blobs out as <volume>/blobs/<aa>/<bb>/<sha256> on every volume', async () => {
    const h = await makeFsHarness(2);
    try {
      const staged = await h.store.stage(pieces(compressible(10_000)));
      assert.equal(basename(join(staged.path, '..')), 'staging');
      assert.ok(staged.path.startsWith(join(h.volumes[0] as string, 'staging')));
      assert.match(basename(staged.path), /^[A-Za-z0-9._]+-\d+-[0-9a-f]+\.raw$/);
      assert.equal((await stat(staged.path)).mode & 0o777, 0o600);
      const committed = await staged.commit();
      for (const volume of h.volumes) {
        const info = await stat(blobFile(volume, committed.sha256));
        assert.equal(info.size, committed.storedSize);
        assert.deepEqual(await namesIn(join(volume, 'staging')), []);
      }
    } finally {
      await h.dispose();
    }
  });

  it('compresses compressible data and stores random data as it is', async () => {
    const h = await makeFsHarness(2, 256 * KiB);
    try {
      const text = compressible(4 * MiB);
      const noise = randomBytes(4 * MiB);
      const packed = await (await h.store.stage(pieces(text))).commit();
      const raw = await (await h.store.stage(pieces(noise))).commit();
      assert.ok(packed.storedSize < text.length / 4, `text stored in ${packed.storedSize} bytes`);
      const packedLayout = await layoutOf(blobFile(h.volumes[1] as string, packed.sha256), packed.sha256);
      for (let i = 0; i < packedLayout.chunkCount; i++)
        assert.equal(indexEntry(packedLayout, i).encoding, 'zstd');
      const rawLayout = await layoutOf(blobFile(h.volumes[0] as string, raw.sha256), raw.sha256);
      assert.equal(rawLayout.chunkCount, 16);
      for (let i = 0; i < rawLayout.chunkCount; i++) assert.equal(indexEntry(rawLayout, i).encoding, 'none');
      // header + chunks + 52-byte index entries + trailer: no growth beyond the fixed overhead
      assert.equal(raw.storedSize, 64 + noise.length + 16 * 52 + 64);
      assert.ok((await readAll(await h.store.get(packed.sha256))).equals(text));
      assert.ok((await readAll(await h.store.get(raw.sha256))).equals(noise));
    } finally {
      await h.dispose();
    }
  });

  it('cleanStaging removes files of dead processes of this host only', async () => {
    const h = await makeFsHarness(2);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const mine = await h.store.stage(pieces(compressible(1000)));
      const host = basename(mine.path).replace(/-\d+-[0-9a-f]+\.raw$/, '');
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      const live = sleeper.pid as number;
      const staging0 = join(h.volumes[0] as string, 'staging');
      const staging1 = join(h.volumes[1] as string, 'staging');
      await mkdir(staging1, { recursive: true });
      const files: Record<string, boolean> = {
        [join(staging0, `${host}-${dead}-00aa.raw`)]: false, // dead process: removed
        [join(staging1, `${host}-${dead}-00bb.tmp`)]: false, // dead process, commit temp: removed
        [join(staging0, `${host}-${live}-00cc.raw`)]: true, // process still runs
        [join(staging0, `${host}-${process.pid}-00dd.tmp`)]: true, // this process
        [join(staging0, `otherhost-${dead}-00ee.raw`)]: true, // another host sharing the volume
        [join(staging0, 'notes.txt')]: true, // not ours
      };
      for (const path of Object.keys(files)) await writeFile(path, 'x');
      assert.equal(await h.store.cleanStaging(), 2);
      for (const [path, kept] of Object.entries(files)) {
        const exists = await stat(path).then(
          () => true,
          () => false,
        );
        assert.equal(exists, kept, path);
      }
      assert.ok((await stat(mine.path)).isFile(), 'a staged file of this process is kept');
      await mine.commit();
    } finally {
      sleeper.kill();
      await h.dispose();
    }
  });

  it('heals a chunk corrupted in the middle of a replica from the other replica', async () => {
    const chunk = 64 * KiB;
    const h = await makeFsHarness(2, chunk);
    try {
      const data = Buffer.concat([compressible(5 * chunk), randomBytes(5 * chunk + 99)]);
      const { sha256: address } = await (await h.store.stage(pieces(data))).commit();
      // chunk 3 broken on replica 0, chunk 7 on replica 1: no replica is good as a whole
      for (const [volume, j] of [
        [0, 3],
        [1, 7],
      ] as const) {
        const path = blobFile(h.volumes[volume] as string, address);
        const entry = indexEntry(await layoutOf(path, address), j);
        await flipBytes(path, entry.offset + Math.floor(entry.storedLength / 2), 4);
      }
      assert.ok((await readAll(await h.store.get(address))).equals(data));
      const range = await readAll(await h.store.get(address, { start: 3 * chunk - 5, end: 7 * chunk + 5 }));
      assert.ok(range.equals(data.subarray(3 * chunk - 5, 7 * chunk + 6)));
      assert.deepEqual(
        (await h.store.check(address)).map((report) => report.state),
        ['damaged', 'damaged'],
      );
      assert.deepEqual(await h.store.repair(address), h.volumes);
      assert.deepEqual(
        (await h.store.check(address)).map((report) => report.state),
        ['ok', 'ok'],
      );
      assert.ok((await readAll(await h.store.get(address))).equals(data));
    } finally {
      await h.dispose();
    }
  });

  it('a range read decodes only the chunks it needs', async () => {
    const chunk = 64 * KiB;
    const h = await makeFsHarness(2, chunk);
    try {
      const data = compressible(10 * chunk);
      const { sha256: address } = await (await h.store.stage(pieces(data))).commit();
      for (const volume of h.volumes) {
        const path = blobFile(volume, address);
        const entry = indexEntry(await layoutOf(path, address), 0);
        await flipBytes(path, entry.offset + 10, 4);
      }
      const tail = await readAll(await h.store.get(address, { start: 8 * chunk, end: 8 * chunk + 99 }));
      assert.ok(tail.equals(data.subarray(8 * chunk, 8 * chunk + 100)));
      await assert.rejects(
        async () => readAll(await h.store.get(address)),
        (error) => blobUnreadable.is(error),
      );
    } finally {
      await h.dispose();
    }
  });

  it('reads and repairs replicas written with a different chunk size', async () => {
    const h = await makeFsHarness(2, 64 * KiB);
    try {
      const data = Buffer.concat([compressible(300 * KiB), randomBytes(300 * KiB)]);
      const { sha256: address } = await (await h.store.stage(pieces(data))).commit();
      const wider = createFsBlobStore({ volumes: h.volumes, chunkSize: 256 * KiB });
      await h.damage(address, 0, 'truncate');
      assert.deepEqual(await wider.repair(address), [h.volumes[0]]);
      assert.equal((await layoutOf(blobFile(h.volumes[0] as string, address), address)).chunkSize, 256 * KiB);
      // now replica 1 (64 KiB chunks) loses a chunk; the 256 KiB replica covers it
      const path = blobFile(h.volumes[1] as string, address);
      const entry = indexEntry(await layoutOf(path, address), 5);
      await flipBytes(path, entry.offset + 1, 4);
      for (const store of [h.store, wider]) {
        assert.ok((await readAll(await store.get(address))).equals(data));
      }
    } finally {
      await h.dispose();
    }
  });

  it('closes its files when a reader stops early', async () => {
    const h = await makeFsHarness(3, 64 * KiB);
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    try {
      const data = randomBytes(40 * 64 * KiB);
      const { sha256: address } = await (await h.store.stage(pieces(data))).commit();
      const before = await openFiles();
      const early = await h.store.get(address);
      await new Promise<void>((resolve) => early.once('data', () => resolve()));
      early.destroy();
      const never = await h.store.get(address);
      never.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await openFiles(), before);
    } finally {
      await h.dispose();
    }
  });

  it('list ignores staging files, foreign names and misplaced files', async () => {
    const h = await makeFsHarness(2);
    try {
      const { sha256: address } = await (await h.store.stage(pieces(compressible(500)))).commit();
      const volume = h.volumes[1] as string;
      await mkdir(join(volume, 'blobs', 'zz'), { recursive: true });
      await mkdir(join(volume, 'blobs', '00', '11'), { recursive: true });
      await writeFile(join(volume, 'blobs', '00', '11', 'README'), 'x');
      await writeFile(join(volume, 'blobs', '00', '11', 'f'.repeat(64)), 'x'); // wrong folder for its name
      await writeFile(join(volume, 'staging', `${'a'.repeat(64)}`), 'x');
      assert.deepEqual(await listAll(h.store), [address]);
    } finally {
      await h.dispose();
    }
  });

  it('refuses bad options', () => {
    assert.throws(() => createFsBlobStore({ volumes: [] }), TypeError);
    assert.throws(() => createFsBlobStore({ volumes: ['/tmp/a', '/tmp/a/'] }), TypeError);
    assert.throws(() => createFsBlobStore({ volumes: ['/tmp/a'], chunkSize: 100 }), TypeError);
    assert.throws(() => createFsBlobStore({ volumes: ['/tmp/a'], chunkSize: 128 * MiB }), TypeError);
  });

  it('keeps memory bounded for a 200 MB blob', async (t) => {
    const h = await makeFsHarness(2);
    try {
      const total = 200 * 1000 * 1000;
      const expected = createHash('sha256');
      let peak = 0;
      const sample = () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      };
      // One buffer, refilled for every piece: stage must copy what it keeps, and no 200 MB buffer
      // ever exists. Every other MiB is text so that both chunk encodings are exercised.
      async function* generate() {
        const piece = Buffer.alloc(MiB);
        const text = compressible(MiB);
        for (let sent = 0, i = 0; sent < total; i++) {
          const length = Math.min(MiB, total - sent);
          if (i % 2 === 0) randomFillSync(piece);
          else text.copy(piece);
          const out = piece.subarray(0, length);
          expected.update(out);
          sent += length;
          sample();
          yield out;
        }
      }
      const baseline = process.memoryUsage().rss;
      const staged = await h.store.stage(generate());
      assert.equal(staged.sha256, expected.digest('hex'));
      sample();
      const committed = await staged.commit();
      sample();
      const actual = createHash('sha256');
      let size = 0;
      for await (const part of await h.store.get(committed.sha256)) {
        actual.update(part as Buffer);
        size += (part as Buffer).length;
        sample();
      }
      assert.equal(size, total);
      assert.equal(actual.digest('hex'), committed.sha256);
      const growth = (peak - baseline) / MiB;
      t.diagnostic(`rss growth ${growth.toFixed(1)} MiB`);
      assert.ok(growth < 100, `rss grew by ${growth.toFixed(1)} MiB`);
    } finally {
      await h.dispose();
    }
  });

  describe('disk full (tmpfs of 2 MiB, needs root)', () => {
    /** Mounts a 2 MiB tmpfs on `dir`; false when this machine does not allow it. */
    function mountSmall(dir: string): boolean {
      if (process.getuid?.() !== 0) return false;
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    }
    function unmount(dir: string): void {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    }

    it('commit to a full replica rejects with storage.full and leaves nothing', async (t) => {
      const h = await makeFsHarness(2);
      const small = h.volumes[1] as string;
      await mkdir(small, { recursive: true });
      if (!mountSmall(small)) {
        await h.dispose();
        t.skip('cannot mount a tmpfs here (needs root)');
        return;
      }
      try {
        const data = randomBytes(5_000_000);
        const staged = await h.store.stage(pieces(data));
        await assert.rejects(staged.commit(), (error) => storageFull.is(error));
        assert.deepEqual(await namesIn(join(small, 'staging')), [], 'no temporary file on the full volume');
        assert.deepEqual(await namesIn(join(small, 'blobs')), []);
        assert.deepEqual(
          await namesIn(join(h.volumes[0] as string, 'blobs')),
          [],
          'nothing on the other volume',
        );
        assert.deepEqual(await namesIn(join(h.volumes[0] as string, 'staging')), [basename(staged.path)]);
        assert.equal(await h.store.has(staged.sha256), false);
        await staged.discard();
        assert.deepEqual(await h.stagingEntries?.(), []);
        assert.deepEqual(await listAll(h.store), []);
      } finally {
        unmount(small);
        await h.dispose();
      }
    });

    it('stage onto a full first volume rejects with storage.full and leaves nothing', async (t) => {
      const h = await makeFsHarness(2);
      const small = h.volumes[0] as string;
      await mkdir(small, { recursive: true });
      if (!mountSmall(small)) {
        await h.dispose();
        t.skip('cannot mount a tmpfs here (needs root)');
        return;
      }
      try {
        await assert.rejects(h.store.stage(pieces(randomBytes(5_000_000))), (error) => storageFull.is(error));
        assert.deepEqual(await h.stagingEntries?.(), []);
      } finally {
        unmount(small);
        await h.dispose();
      }
    });
  });
});
