import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  appendLeaves,
  canonicalJson,
  CompactTree,
  changedFields,
  checkpointText,
  consistencyProof,
  decodeEntry,
  encodeEntry,
  frontier,
  hashChildren,
  hashLeaf,
  inclusionProof,
  nodeKey,
  nodesFor,
  inclusionRanges,
  consistencyRanges,
  parseCheckpointText,
  rootFromLeafHashes,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type HashAlgorithm,
  type NodeId,
} from './ledger.models.ts';

const leafHashes = (algorithm: HashAlgorithm, n: number) =>
  Array.from({ length: n }, (_, i) => hashLeaf(algorithm, Buffer.from(`entry ${i}`)));

/** Builds the stored nodes of a tree by appending in several uneven batches, as the sequencer does. */
function buildStore(algorithm: HashAlgorithm, leaves: Buffer[]): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  let size = 0;
  for (let batch = 1; size < leaves.length; batch = (batch * 3) % 7 || 1) {
    const next = leaves.slice(size, size + batch);
    for (const { node, hash } of appendLeaves(algorithm, size, next, (n) => store.get(nodeKey(n))))
      store.set(nodeKey(node), hash);
    size += next.length;
  }
  return store;
}

describe('ledger Merkle tree (RFC 9162 §2.1)', () => {
  it('hashes leaves and nodes with the domain-separation prefixes 0x00 and 0x01', () => {
    const entry = Buffer.from('abc');
    assert.deepEqual(
      hashLeaf('sha256', entry),
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), entry]))
        .digest(),
    );
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    assert.deepEqual(
      hashChildren('sm3', a, b),
      createHash('sm3')
        .update(Buffer.concat([Buffer.from([1]), a, b]))
        .digest(),
    );
    assert.notDeepEqual(hashLeaf('sha256', entry), hashLeaf('sm3', entry));
  });

  it('gives the well-known root of the empty tree and of a one-leaf tree', () => {
    assert.equal(
      rootFromLeafHashes('sha256', []).toString('hex'),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    // RFC 6962 test vector: the tree with the single empty leaf.
    assert.equal(
      rootFromLeafHashes('sha256', [hashLeaf('sha256', Buffer.alloc(0))]).toString('hex'),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  for (const algorithm of ['sha256', 'sm3'] as const) {
    it(`builds, proves and verifies every leaf and every size pair up to 70 leaves (${algorithm})`, () => {
      const leaves = leafHashes(algorithm, 70);
      const store = buildStore(algorithm, leaves);
      const lookup = (n: NodeId) => store.get(nodeKey(n));
      for (let n = 1; n <= leaves.length; n++) {
        const root = rootFromLeafHashes(algorithm, leaves.slice(0, n));
        assert.deepEqual(treeRoot(algorithm, n, lookup), root, `root of size ${n}`);
        for (let m = 0; m < n; m++) {
          const proof = inclusionProof(algorithm, m, n, lookup);
          assert.ok(verifyInclusion(algorithm, m, n, leaves[m]!, proof, root), `inclusion ${m} in ${n}`);
          // the same leaf at another index, or another leaf, does not verify
          if (n > 1) {
            assert.ok(!verifyInclusion(algorithm, (m + 1) % n, n, leaves[m]!, proof, root));
            assert.ok(!verifyInclusion(algorithm, m, n, leaves[(m + 1) % n]!, proof, root));
          }
        }
        for (let m = 1; m <= n; m++) {
          const first = rootFromLeafHashes(algorithm, leaves.slice(0, m));
          const proof = consistencyProof(algorithm, m, n, lookup);
          assert.ok(verifyConsistency(algorithm, m, n, first, root, proof), `consistency ${m} → ${n}`);
          if (m < n) {
            const forged = rootFromLeafHashes(algorithm, [...leaves.slice(0, m - 1), leaves[n - 1]!]);
            assert.ok(!verifyConsistency(algorithm, m, n, forged, root, proof), `forged ${m} → ${n}`);
          }
        }
      }
    });
  }

  it('matches a naive recomputation of the proofs for larger, random sizes', () => {
    const leaves = leafHashes('sha256', 1500);
    const store = buildStore('sha256', leaves);
    const lookup = (n: NodeId) => store.get(nodeKey(n));
    const naiveMth = (start: number, end: number) => rootFromLeafHashes('sha256', leaves.slice(start, end));
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let i = 0; i < 60; i++) {
      const n = 1 + random(leaves.length);
      const m = random(n);
      const naive = inclusionRanges(m, n).map((r) => naiveMth(r.start, r.end));
      assert.deepEqual(inclusionProof('sha256', m, n, lookup), naive);
      const first = 1 + random(n);
      const naiveConsistency = consistencyRanges(first, n).map((r) => naiveMth(r.start, r.end));
      assert.deepEqual(consistencyProof('sha256', first, n, lookup), naiveConsistency);
      // a proof needs only O(log n) stored nodes
      assert.ok(nodesFor(inclusionRanges(m, n)).length <= 2 * Math.ceil(Math.log2(n + 1)));
    }
  });

  it('proof lengths follow the RFC: an inclusion proof of leaf 0 in 8 leaves has 3 hashes', () => {
    assert.equal(inclusionRanges(0, 8).length, 3);
    assert.deepEqual(inclusionRanges(6, 7), [
      { start: 4, end: 6 },
      { start: 0, end: 4 },
    ]);
    // RFC 9162 §2.1.5: the consistency proof between trees of 3 and 7 leaves is [c, d, g, l]
    assert.deepEqual(consistencyRanges(3, 7), [
      { start: 2, end: 3 },
      { start: 3, end: 4 },
      { start: 0, end: 2 },
      { start: 4, end: 7 },
    ]);
    assert.deepEqual(consistencyRanges(4, 7), [{ start: 4, end: 7 }]);
    assert.deepEqual(consistencyRanges(6, 7), [
      { start: 4, end: 6 },
      { start: 6, end: 7 },
      { start: 0, end: 4 },
    ]);
  });

  it('rejects tampered proofs: a flipped bit, a dropped or extra hash, a wrong size', () => {
    const leaves = leafHashes('sha256', 37);
    const store = buildStore('sha256', leaves);
    const lookup = (n: NodeId) => store.get(nodeKey(n));
    const root = treeRoot('sha256', 37, lookup);
    const proof = inclusionProof('sha256', 21, 37, lookup);
    assert.ok(verifyInclusion('sha256', 21, 37, leaves[21]!, proof, root));
    for (let i = 0; i < proof.length; i++) {
      const flipped = proof.map((p) => Buffer.from(p));
      flipped[i]![5]! ^= 0x01;
      assert.ok(!verifyInclusion('sha256', 21, 37, leaves[21]!, flipped, root), `flip in hash ${i}`);
    }
    assert.ok(!verifyInclusion('sha256', 21, 37, leaves[21]!, proof.slice(1), root));
    assert.ok(!verifyInclusion('sha256', 21, 37, leaves[21]!, [...proof, proof[0]!], root));
    // (sizes 33…63 share this proof's shape: the signed checkpoint is what binds a root to its size)
    assert.ok(!verifyInclusion('sha256', 21, 70, leaves[21]!, proof, root));
    assert.ok(!verifyInclusion('sha256', 21, 32, leaves[21]!, proof, root));
    assert.ok(!verifyInclusion('sha256', 21, 37, leaves[21]!, [Buffer.alloc(31), ...proof.slice(1)], root));
    const older = treeRoot('sha256', 20, lookup);
    const cproof = consistencyProof('sha256', 20, 37, lookup);
    assert.ok(verifyConsistency('sha256', 20, 37, older, root, cproof));
    assert.ok(!verifyConsistency('sha256', 20, 37, older, root, cproof.slice(0, -1)));
    assert.ok(!verifyConsistency('sha256', 21, 37, older, root, cproof));
    const bad = cproof.map((p) => Buffer.from(p));
    bad[0]![0]! ^= 0x80;
    assert.ok(!verifyConsistency('sha256', 20, 37, older, root, bad));
  });

  it('a changed, removed or reordered leaf changes the root', () => {
    const leaves = leafHashes('sha256', 16);
    const root = rootFromLeafHashes('sha256', leaves);
    const changed = [...leaves];
    changed[9] = hashLeaf('sha256', Buffer.from('entry 9!'));
    assert.notDeepEqual(rootFromLeafHashes('sha256', changed), root);
    assert.notDeepEqual(rootFromLeafHashes('sha256', leaves.toSpliced(3, 1)), root);
    const swapped = [...leaves];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    assert.notDeepEqual(rootFromLeafHashes('sha256', swapped), root);
  });

  it('keeps a frontier of one node per set bit of the size', () => {
    assert.deepEqual(frontier(13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    assert.deepEqual(frontier(0), []);
  });
});

describe('ledger entries and checkpoints', () => {
  it('encodes entries canonically whatever the key order, and decodes them back', () => {
    const event = {
      id: '42',
      at: '2024-05-01T08:30:00.123456Z',
      actor: 'user:张三',
      action: 'record.view',
      recordId: null,
      outcome: 'ok',
      ip: '10.0.0.1',
      details: { z: 1, a: [1, 'b', { y: null, x: true }], 中: '文' },
    };
    const bytes = encodeEntry(event);
    assert.equal(
      bytes.toString('utf8'),
      '{"action":"record.view","actor":"user:张三","at":"2024-05-01T08:30:00.123456Z","details":{"a":[1,"b",{"x":true,"y":null}],"z":1,"中":"文"},"id":"42","ip":"10.0.0.1","outcome":"ok","recordId":null,"type":"event","v":1}',
    );
    const reordered = { ...event, details: { 中: '文', a: [1, 'b', { x: true, y: null }], z: 1 } };
    assert.deepEqual(encodeEntry(reordered), bytes);
    const decoded = decodeEntry(bytes);
    assert.deepEqual(changedFields(decoded, event), []);
    assert.deepEqual(changedFields(decoded, { ...event, actor: 'user:李四', details: {} }), [
      'actor',
      'details',
    ]);
  });

  it('writes canonical JSON per RFC 8785 for strings, numbers and nesting', () => {
    assert.equal(
      canonicalJson({ b: '\u0007"\\', a: 1e21, c: -0, d: 0.1 }),
      '{"a":1e+21,"b":"\\u0007\\"\\\\","c":0,"d":0.1}',
    );
    assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  });

  it('round-trips checkpoint text and refuses malformed text', () => {
    const body = {
      origin: 'dangan ab12',
      hashAlgorithm: 'sha256' as const,
      treeSize: 1234,
      rootHash: Buffer.alloc(32, 0xab),
      time: '2024-05-01T08:30:00.000Z',
    };
    const text = checkpointText(body);
    assert.deepEqual(parseCheckpointText(text), body);
    assert.equal(parseCheckpointText(text.replace('size 1234', 'size 01234')), undefined);
    assert.equal(parseCheckpointText(text.replace('hash sha256', 'hash md5')), undefined);
    assert.equal(parseCheckpointText(`${text}extra\n`), undefined);
  });
});

describe('CompactTree', () => {
  it('gives the same root as the full tree at every size', () => {
    const leaves = leafHashes('sm3', 100);
    const tree = new CompactTree('sm3');
    for (let n = 1; n <= leaves.length; n++) {
      tree.push(leaves[n - 1]!);
      assert.deepEqual(tree.root(), rootFromLeafHashes('sm3', leaves.slice(0, n)), `size ${n}`);
    }
  });
});
