#!/usr/bin/env node
// Standalone verifier of a dangan ledger proof bundle (docs/LEDGER.md). Plain JavaScript for any
// Node >= 20, nothing but node:crypto and node:fs: copy this one file anywhere and run
//
//   node ledger-verify.mjs BUNDLE.json [--key-id ID | --public-key FILE] [--json]
//
// It checks the checkpoint's Ed25519 signature, that every entry belongs to the bundle's record,
// and every entry's RFC 9162 inclusion proof against the signed root. Without --key-id or
// --public-key it trusts the key inside the bundle and says so: compare the printed key id with
// the one the bureau publishes. Exit code 0 when everything verifies, 1 otherwise, 2 on bad usage.
import { Buffer } from 'node:buffer';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !['--key-id', '--public-key'].includes(args[i - 1]));
if (!file) {
  process.stderr.write(
    '用法 usage: node ledger-verify.mjs BUNDLE.json [--key-id ID | --public-key FILE] [--json]\n',
  );
  process.exit(2);
}

const HASHES = ['sha256', 'sm3'];
const H = (algorithm, ...parts) => {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (alg, entry) => H(alg, Buffer.from([0]), entry);
const nodeHash = (alg, left, right) => H(alg, Buffer.from([1]), left, right);

// RFC 9162 §2.1.3.2, with numbers rather than 32-bit bit operations.
function verifyInclusion(alg, index, size, leaf, proof, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(alg, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(alg, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function parseCheckpoint(text) {
  const lines = text.split('\n');
  if (lines.length !== 7 || lines[0] !== 'dangan-ledger-checkpoint/v1' || lines[6] !== '') return undefined;
  const field = (i, name) => (lines[i].startsWith(`${name} `) ? lines[i].slice(name.length + 1) : undefined);
  const c = {
    origin: field(1, 'origin'),
    hash: field(2, 'hash'),
    size: field(3, 'size'),
    root: field(4, 'root'),
    time: field(5, 'time'),
  };
  if (Object.values(c).some((v) => v === undefined)) return undefined;
  if (!HASHES.includes(c.hash) || !/^(0|[1-9]\d*)$/.test(c.size) || !/^[0-9a-f]{64}$/.test(c.root))
    return undefined;
  return { ...c, size: Number(c.size), root: Buffer.from(c.root, 'hex') };
}

const keyIdOf = (key) =>
  H('sha256', key.export({ type: 'spki', format: 'der' }))
    .toString('hex')
    .slice(0, 32);

const problems = [];
const fail = (zh, en) => problems.push({ zh, en });
let bundle;
try {
  bundle = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  fail(`无法读取证明包：${error.message}`, `cannot read the bundle: ${error.message}`);
}
let checkpoint;
let keyId;
let verifiedEntries = 0;
if (bundle) {
  if (bundle.format !== 'dangan-ledger-proof/v1')
    fail('不支持的证明包格式', `unsupported bundle format ${bundle.format}`);
  checkpoint = parseCheckpoint(String(bundle.checkpoint?.body ?? ''));
  if (!checkpoint) fail('检查点原文格式错误', 'the checkpoint text is malformed');
  let key;
  try {
    const trusted = option('--public-key');
    key = createPublicKey(
      trusted ? readFileSync(trusted, 'utf8') : String(bundle.checkpoint?.publicKey ?? ''),
    );
    keyId = keyIdOf(key);
    if (key.asymmetricKeyType !== 'ed25519') fail('公钥不是 Ed25519', 'the public key is not Ed25519');
  } catch (error) {
    fail(`公钥无效：${error.message}`, `invalid public key: ${error.message}`);
  }
  const wantedKeyId = option('--key-id');
  if (wantedKeyId && keyId !== wantedKeyId)
    fail(
      `公钥 ${keyId} 不是所要求的 ${wantedKeyId}`,
      `public key ${keyId} is not the required ${wantedKeyId}`,
    );
  if (key && checkpoint) {
    let good = false;
    try {
      good = verify(
        null,
        Buffer.from(bundle.checkpoint.body, 'utf8'),
        key,
        Buffer.from(String(bundle.checkpoint.signature), 'base64'),
      );
    } catch {
      // a malformed signature: reported as invalid below
    }
    if (!good) fail('检查点签名无效', 'the checkpoint signature is invalid');
  }
  if (checkpoint) {
    if (bundle.hashAlgorithm !== checkpoint.hash)
      fail('证明包的哈希算法与检查点不符', 'the bundle hash algorithm differs from the checkpoint');
    const recordId = bundle.record?.id;
    for (const [i, e] of (Array.isArray(bundle.entries) ? bundle.entries : []).entries()) {
      const entry = Buffer.from(String(e.entry), 'base64');
      let event;
      try {
        event = JSON.parse(entry.toString('utf8'));
      } catch {
        fail(`条目 ${i} 无法解析`, `entry ${i} cannot be parsed`);
        continue;
      }
      if (event.recordId !== recordId)
        fail(`条目 ${e.seq} 不属于档案 ${recordId}`, `entry ${e.seq} does not belong to record ${recordId}`);
      // A hash that is not 64 hex digits decodes short and fails the length check.
      const proof = (Array.isArray(e.proof) ? e.proof : []).map((p) =>
        /^[0-9a-f]{64}$/.test(p) ? Buffer.from(p, 'hex') : Buffer.alloc(0),
      );
      if (
        !verifyInclusion(
          checkpoint.hash,
          e.seq,
          checkpoint.size,
          leafHash(checkpoint.hash, entry),
          proof,
          checkpoint.root,
        )
      )
        fail(
          `条目 ${e.seq}（事件 ${event.id} ${event.action}）的包含证明不成立`,
          `the inclusion proof of entry ${e.seq} (event ${event.id} ${event.action}) fails`,
        );
      else verifiedEntries++;
    }
  }
}

const result = {
  ok: problems.length === 0,
  record: bundle?.record ?? null,
  treeSize: checkpoint?.size ?? null,
  rootHash: checkpoint?.root.toString('hex') ?? null,
  checkpointTime: checkpoint?.time ?? null,
  keyId: keyId ?? null,
  keyTrusted: Boolean(option('--key-id') || option('--public-key')),
  entriesVerified: verifiedEntries,
  problems,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const out = [
    `档案 record: ${result.record?.archiveNo ?? result.record?.id ?? '?'}`,
    `检查点 checkpoint: size ${result.treeSize} root ${result.rootHash} time ${result.checkpointTime}`,
    `公钥 key: ${result.keyId}${result.keyTrusted ? '' : '（取自证明包，请与公布的密钥编号核对 / taken from the bundle: compare it with the published key id）'}`,
    `已验证条目 entries verified: ${verifiedEntries}`,
    ...problems.map((p) => `  ✗ ${p.zh} / ${p.en}`),
    result.ok ? '验证通过 / VERIFIED' : '验证失败 / FAILED',
    '',
  ];
  process.stdout.write(out.join('\n'));
}
process.exit(result.ok ? 0 : 1);
