/**
 * The BlobStore contract: one suite that every adapter (filesystem now, S3 later) must pass. An
 * adapter's test file calls runBlobStoreContract with a factory for a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { newDataKey } from './blob-seal.ts';
import type { BlobKey } from './blob-seal.ts';
import type { CipherName } from './chunk-cipher.ts';
import {
  blobAddressInvalid,
  blobKeyInvalid,
  blobKeyRequired,
  blobNotFound,
  blobNotStaged,
  blobRangeInvalid,
  blobTooLarge,
  blobUnreadable,
} from './blobs.errors.ts';
import type { BlobStore, ReplicaState } from './blobs.port.ts';

export type DamageKind = 'delete' | 'corrupt' | 'truncate';

export interface BlobStoreHarness {
  /** a fresh store with no blobs and at least two replicas */
  store: BlobStore;
  /**
   * Damages one replica of a stored blob behind the store's back: 'delete' removes it, 'corrupt'
   * changes bytes in the middle of what is stored (the same place whichever replica), 'truncate'
   * cuts it to half its length.
   */
  damage(sha256: string, replicaIndex: number, how: DamageKind): Promise<void>;
  /** removes everything the harness created */
  dispose(): Promise<void>;
  /** the adapter's chunk size, so that range reads hit chunk boundaries (default 1 MiB) */
  chunkSize?: number;
  /** what the adapter's staging area holds now, to prove that failures leave nothing behind */
  stagingEntries?(): Promise<string[]>;
}

/**
 * Registers the contract tests for one adapter under `describe(name)`. With `sealed`, the whole
 * suite runs again through sealingView: every blob encrypted with its own data key and stored under
 * a keyed address, as the keys module stores them.
 */
export function runBlobStoreContract(
  name: string,
  makeHarness: () => Promise<BlobStoreHarness>,
  options: { sealed?: CipherName } = {},
): void {
  const label = options.sealed ? `${name}, sealed with ${options.sealed}` : name;
  describe(`BlobStore contract: ${label}`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    let chunk: number;
    let view: SealingView | undefined;

    beforeEach(async () => {
      const raw = await makeHarness();
      if (options.sealed) {
        view = sealingView(raw.store, options.sealed);
        const sealing = view;
        harness = {
          ...raw,
          store: sealing.store,
          damage: (id, replica, how) => raw.damage(sealing.addressOf(id), replica, how),
        };
      } else {
        harness = raw;
      }
      store = harness.store;
      chunk = harness.chunkSize ?? 1024 * 1024;
      assert.ok(store.replicas.length >= 2, 'the contract needs at least two replicas');
    });
    afterEach(async () => {
      await harness.dispose();
    });

    /** Stages and commits `data`, checking what stage reports on the way. */
    async function put(data: Buffer, piece = 64 * 1024) {
      const staged = await store.stage(pieces(data, piece));
      assert.equal(staged.sha256, sha256(data));
      assert.equal(staged.size, data.length);
      return staged.commit();
    }

    async function expectNothingLeft() {
      assert.deepEqual(await listAll(store), []);
      if (harness.stagingEntries) assert.deepEqual(await harness.stagingEntries(), []);
    }

    async function expectStates(address: string, expected: ReplicaState[]) {
      const reports = await store.check(address);
      assert.deepEqual(
        reports.map((report) => report.state),
        expected,
      );
      assert.deepEqual(
        reports.map((report) => report.replica),
        [...store.replicas],
      );
    }

    describe('round trip', () => {
      const cases: [string, () => Buffer][] = [
        ['empty', () => Buffer.alloc(0)],
        ['one byte', () => Buffer.from([0x5a])],
        ['text', () => Buffer.from('电子档案 — electronic archive\n'.repeat(200))],
        ['5 MB of random bytes', () => randomBytes(5_000_000)],
        ['compressible, several chunks', () => compressible(Math.floor(chunk * 3.5) + 123)],
      ];
      for (const [label, make] of cases) {
        it(`returns ${label} byte for byte`, async () => {
          const data = make();
          const staged = await store.stage(pieces(data, 64 * 1024));
          assert.equal(staged.sha256, sha256(data));
          assert.equal(staged.sm3, sm3(data));
          assert.equal(staged.size, data.length);
          assert.ok((await readFile(staged.path)).equals(data), 'the staged file holds the raw bytes');
          const committed = await staged.commit();
          assert.equal(committed.existed, false);
          assert.equal(committed.sha256, staged.sha256);
          assert.equal(committed.sm3, staged.sm3);
          assert.equal(committed.size, data.length);
          assert.ok(committed.storedSize > 0);
          await assert.rejects(access(staged.path), 'commit removes the staged file');
          assert.equal(await store.has(staged.sha256), true);
          assert.ok((await readAll(await store.get(staged.sha256))).equals(data));
          await expectStates(
            staged.sha256,
            store.replicas.map(() => 'ok'),
          );
          if (harness.stagingEntries) assert.deepEqual(await harness.stagingEntries(), []);
        });
      }

      it('accepts a Readable as well as an async iterable', async () => {
        const data = compressible(300_000);
        const staged = await store.stage(Readable.from(pieces(data, 10_000), { objectMode: false }));
        assert.equal(staged.sha256, sha256(data));
        await staged.commit();
        assert.ok((await readAll(await store.get(staged.sha256))).equals(data));
      });
    });

    it('computes SHA-256 and SM3 known-answer values', async () => {
      // SHA-256: FIPS 180-4 examples (NIST CSRC "SHA256.pdf"); SM3: GB/T 32905-2016 appendix A.
      const vectors: [string, 'sha256' | 'sm3', string][] = [
        ['abc', 'sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
        [
          'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
          'sha256',
          '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
        ],
        ['', 'sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
        ['abc', 'sm3', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
        ['abcd'.repeat(16), 'sm3', 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'],
        ['', 'sm3', '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b'],
      ];
      for (const [text, algorithm, expected] of vectors) {
        // one byte at a time, so that incremental hashing across pieces is exercised too
        const staged = await store.stage(pieces(Buffer.from(text, 'latin1'), 1));
        assert.equal(staged[algorithm], expected, `${algorithm} of "${text}"`);
        await staged.discard();
      }
    });

    it('stores identical bytes once', async () => {
      const data = compressible(chunk + 4321);
      const first = await put(data);
      const second = await put(data, 1000);
      assert.equal(first.existed, false);
      assert.equal(second.existed, true);
      assert.equal(second.storedSize, first.storedSize);
      const [third, fourth] = await Promise.all([put(data), put(data)]);
      assert.equal(third?.existed, true);
      assert.equal(fourth?.existed, true);
      assert.deepEqual(await listAll(store), [first.sha256]);
    });

    it('stores the same new bytes committed concurrently', async () => {
      const data = randomBytes(2 * chunk + 10);
      const stagedBoth = await Promise.all([store.stage(pieces(data)), store.stage(pieces(data))]);
      const results = await Promise.all(stagedBoth.map((staged) => staged.commit()));
      assert.deepEqual(await listAll(store), [sha256(data)]);
      for (const result of results) assert.equal(result.size, data.length);
      assert.ok((await readAll(await store.get(sha256(data)))).equals(data));
      await expectStates(
        sha256(data),
        store.replicas.map(() => 'ok'),
      );
    });

    it('refuses more than maxBytes without draining the source', async () => {
      const maxBytes = 256 * 1024;
      const piece = 16 * 1024;
      let pulled = 0;
      async function* endless() {
        for (;;) {
          pulled += piece;
          yield randomBytes(piece);
        }
      }
      await assert.rejects(store.stage(endless(), { maxBytes }), (error) => blobTooLarge.is(error));
      assert.ok(pulled <= maxBytes + 2 * piece, `read ${pulled} bytes for a limit of ${maxBytes}`);
      await expectNothingLeft();
      // exactly the limit is allowed
      const exact = randomBytes(maxBytes);
      const staged = await store.stage(pieces(exact, piece), { maxBytes });
      assert.equal(staged.size, maxBytes);
      await staged.discard();
    });

    it('reads byte ranges', async () => {
      const data = Buffer.concat([compressible(chunk + 1000), randomBytes(chunk + 77)]);
      const { sha256: address } = await put(data);
      const size = data.length;
      const ranges: [number, number][] = [
        [0, 0],
        [size - 1, size - 1],
        [chunk - 1, chunk],
        [chunk, 2 * chunk - 1],
        [chunk - 3, 2 * chunk + 3],
        [5, 1005],
        [0, size - 1],
      ];
      for (const [start, end] of ranges) {
        const got = await readAll(await store.get(address, { start, end }));
        assert.ok(got.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
      const invalid: [number, number][] = [
        [0, size],
        [size, size],
        [3, 2],
        [-1, 0],
        [0.5, 2],
      ];
      for (const [start, end] of invalid) {
        await assert.rejects(store.get(address, { start, end }), (error) => blobRangeInvalid.is(error));
      }
    });

    describe('a failing source leaves nothing', () => {
      it('an iterable that throws', async () => {
        const truncated = new Error('upload truncated');
        async function* broken() {
          yield randomBytes(300_000);
          yield randomBytes(300_000);
          throw truncated;
        }
        await assert.rejects(store.stage(broken()), (error) => error === truncated);
        await expectNothingLeft();
      });

      it('a Readable destroyed with an error', async () => {
        const reset = new Error('connection reset');
        // Destroyed only once the store reads from it: a stream destroyed before anyone listens
        // raises its error as an uncaught exception, whatever the store does (a flaky test on a
        // busy machine, where the store took more than 20 ms to start reading).
        let started = false;
        const source = new Readable({
          read() {
            if (started) return;
            started = true;
            this.push(randomBytes(500_000));
            setTimeout(() => this.destroy(reset), 20);
          },
        });
        await assert.rejects(store.stage(source), (error) => error === reset);
        await expectNothingLeft();
      });

      it('an aborted signal', async () => {
        const controller = new AbortController();
        async function* stalls() {
          yield randomBytes(200_000);
          await new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
        }
        setTimeout(() => controller.abort(new Error('client went away')), 50);
        await assert.rejects(
          store.stage(stalls(), { signal: controller.signal }),
          (error) => error instanceof Error && error.message === 'client went away',
        );
        await expectNothingLeft();
      });
    });

    describe('damage on one replica', () => {
      const kinds: DamageKind[] = ['delete', 'corrupt', 'truncate'];
      for (const how of kinds) {
        for (const which of ['first', 'last'] as const) {
          it(`${how} on the ${which} replica: still readable, reported, repaired`, async () => {
            const data = Buffer.concat([compressible(chunk + 999), randomBytes(chunk + 1)]);
            const { sha256: address } = await put(data);
            const victim = which === 'first' ? 0 : store.replicas.length - 1;
            await harness.damage(address, victim, how);
            assert.ok((await readAll(await store.get(address))).equals(data), 'get falls back');
            const range = await readAll(await store.get(address, { start: chunk - 10, end: chunk + 10 }));
            assert.ok(range.equals(data.subarray(chunk - 10, chunk + 11)), 'range falls back');
            assert.equal(await store.has(address), true);
            const damagedState: ReplicaState = how === 'delete' ? 'missing' : 'damaged';
            await expectStates(
              address,
              store.replicas.map((_, i) => (i === victim ? damagedState : 'ok')),
            );
            assert.deepEqual(await store.repair(address), [store.replicas[victim]]);
            await expectStates(
              address,
              store.replicas.map(() => 'ok'),
            );
            assert.deepEqual(await store.repair(address), []);
            assert.ok((await readAll(await store.get(address))).equals(data));
            if (harness.stagingEntries) assert.deepEqual(await harness.stagingEntries(), []);
          });
        }
      }
    });

    describe('damage on every replica', () => {
      for (const how of ['corrupt', 'truncate'] as const) {
        it(`${how}: blob.unreadable`, async () => {
          const data = compressible(2 * chunk + 5);
          const { sha256: address } = await put(data);
          for (let i = 0; i < store.replicas.length; i++) await harness.damage(address, i, how);
          await assert.rejects(
            async () => readAll(await store.get(address)),
            (error) => blobUnreadable.is(error),
          );
          await expectStates(
            address,
            store.replicas.map(() => 'damaged'),
          );
          await assert.rejects(store.repair(address), (error) => blobUnreadable.is(error));
        });
      }

      it('delete: blob.not_found', async () => {
        const { sha256: address } = await put(compressible(1000));
        for (let i = 0; i < store.replicas.length; i++) await harness.damage(address, i, 'delete');
        await assert.rejects(store.get(address), (error) => blobNotFound.is(error));
        assert.equal(await store.has(address), false);
        assert.deepEqual(await listAll(store), []);
      });
    });

    it('reports an unknown blob as not found', async () => {
      const address = sha256(randomBytes(16));
      await assert.rejects(store.get(address), (error) => blobNotFound.is(error));
      assert.equal(await store.has(address), false);
      await expectStates(
        address,
        store.replicas.map(() => 'missing'),
      );
      await assert.rejects(store.repair(address), (error) => blobNotFound.is(error));
    });

    it('refuses addresses that are not 64 lowercase hex digits', async () => {
      for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'ab', `${'0'.repeat(63)}/`]) {
        await assert.rejects(store.get(bad), (error) => blobAddressInvalid.is(error));
        await assert.rejects(store.has(bad), (error) => blobAddressInvalid.is(error));
        await assert.rejects(store.check(bad), (error) => blobAddressInvalid.is(error));
        await assert.rejects(store.remove(bad), (error) => blobAddressInvalid.is(error));
      }
    });

    it('lists every stored blob once', async () => {
      const addresses = new Set<string>();
      for (let i = 0; i < 5; i++) addresses.add((await put(randomBytes(100 + i))).sha256);
      const listed = await listAll(store);
      assert.equal(listed.length, 5);
      assert.deepEqual(new Set(listed), addresses);
    });

    it('removes a blob from every replica', async () => {
      const data = compressible(5000);
      const { sha256: address } = await put(data);
      await store.remove(address);
      assert.equal(await store.has(address), false);
      await assert.rejects(store.get(address), (error) => blobNotFound.is(error));
      await expectStates(
        address,
        store.replicas.map(() => 'missing'),
      );
      assert.deepEqual(await listAll(store), []);
      await store.remove(address); // removing what is gone is fine
    });

    it('discards a staged blob', async () => {
      const staged = await store.stage(pieces(compressible(70_000)));
      await staged.discard();
      await assert.rejects(access(staged.path));
      await staged.discard(); // twice is fine
      await assert.rejects(staged.commit(), (error) => blobNotStaged.is(error));
      await expectNothingLeft();
    });

    it('commit is idempotent', async () => {
      const staged = await store.stage(pieces(compressible(70_000)));
      const [first, second] = await Promise.all([staged.commit(), staged.commit()]);
      assert.deepEqual(first, second);
      assert.deepEqual(await staged.commit(), first);
      await staged.discard(); // after commit: nothing to drop, the blob stays
      assert.equal(await store.has(staged.sha256), true);
    });

    if (options.sealed) {
      describe('sealed blobs', () => {
        it('are stored under their keyed address, never under their SHA-256', async () => {
          const data = compressible(chunk + 10);
          const committed = await put(data);
          const address = view!.addressOf(committed.sha256);
          assert.notEqual(address, committed.sha256);
          assert.deepEqual(await listAll(view!.inner), [address]);
          assert.equal(await view!.inner.has(committed.sha256), false);
        });

        it("cannot be read without the data key, nor with another blob's key", async () => {
          const data = compressible(2 * chunk + 10);
          const { sha256: id } = await put(data);
          const address = view!.addressOf(id);
          await assert.rejects(view!.inner.get(address), (error) => blobKeyRequired.is(error));
          const other: BlobKey = { cipher: options.sealed!, key: newDataKey(options.sealed!) };
          await assert.rejects(view!.inner.get(address, undefined, other), (error) =>
            blobKeyInvalid.is(error),
          );
          // fixity checks and repair need no key
          assert.deepEqual(
            (await view!.inner.check(address)).map((report) => report.state),
            store.replicas.map(() => 'ok'),
          );
        });

        it('replaces a replica sealed with another key when the blob is committed again', async () => {
          const data = compressible(3000);
          const staged = await view!.inner.stage(pieces(data));
          const address = sha256(Buffer.from('another address'));
          await staged.commit({ address, cipher: options.sealed!, key: newDataKey(options.sealed!) });
          const key = newDataKey(options.sealed!);
          const again = await view!.inner.stage(pieces(data));
          const committed = await again.commit({ address, cipher: options.sealed!, key });
          assert.equal(committed.existed, false);
          assert.equal(committed.address, address);
          const got = await readAll(
            await view!.inner.get(address, undefined, { cipher: options.sealed!, key }),
          );
          assert.ok(got.equals(data));
        });
      });
    }
  });
}

interface SealingView {
  /** the adapter as callers see it through the keys module: plain content ids in and out */
  store: BlobStore;
  /** the adapter itself */
  inner: BlobStore;
  /** the keyed address of a content SHA-256 (anything else passes unchanged) */
  addressOf(id: string): string;
}

/**
 * Seals every blob committed through it: address = HMAC-SHA256(level secret, SHA-256), a fresh data
 * key per address. Reads, checks and repairs translate the SHA-256 back to the address.
 */
function sealingView(inner: BlobStore, cipher: CipherName): SealingView {
  const secret = randomBytes(32);
  const keys = new Map<string, Buffer>();
  const toSha = new Map<string, string>();
  const addressOf = (id: string) => {
    if (!/^[0-9a-f]{64}$/.test(id)) return id;
    const address = createHmac('sha256', secret).update(id).digest('hex');
    toSha.set(address, id);
    return address;
  };
  const keyOf = (address: string) => {
    let key = keys.get(address);
    if (!key) keys.set(address, (key = newDataKey(cipher)));
    return key;
  };
  const store: BlobStore = {
    replicas: inner.replicas,
    async stage(source, options) {
      const staged = await inner.stage(source, options);
      return {
        path: staged.path,
        sha256: staged.sha256,
        sm3: staged.sm3,
        size: staged.size,
        commit: () => {
          const address = addressOf(staged.sha256);
          return staged.commit({ address, cipher, key: keyOf(address) });
        },
        discard: () => staged.discard(),
      };
    },
    get(id, range) {
      const address = addressOf(id);
      const key = keys.get(address);
      return inner.get(address, range, key ? { cipher, key } : undefined);
    },
    has: (id) => inner.has(addressOf(id)),
    check: (id) => inner.check(addressOf(id)),
    repair: (id) => inner.repair(addressOf(id)),
    async *list() {
      for await (const address of inner.list()) yield toSha.get(address) ?? address;
    },
    remove: (id) => inner.remove(addressOf(id)),
    cleanStaging: () => inner.cleanStaging(),
  };
  return { store, inner, addressOf };
}

// ---- helpers shared with adapter tests ----------------------------------------------------------

/** Yields `data` in pieces of `size` bytes (copies, as a network source would). */
export async function* pieces(data: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) {
    yield Buffer.from(data.subarray(offset, offset + size));
  }
}

/** Collects a stream (test data only: never for real blobs). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function listAll(store: BlobStore): Promise<string[]> {
  const addresses: string[] = [];
  for await (const address of store.list()) addresses.push(address);
  return addresses;
}

/** Text-like bytes that zstd shrinks well but that never repeat exactly (a counter runs through). */
export function compressible(size: number): Buffer {
  const out = Buffer.alloc(size);
  let offset = 0;
  for (let line = 0; offset < size; line++) {
    offset += out.write(`${line}\t行政审批事项\tcase-${(line * 7919) % 100_000}\tapproved\n`, offset);
  }
  return out;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sm3(data: Uint8Array): string {
  return createHash('sm3').update(data).digest('hex');
}
