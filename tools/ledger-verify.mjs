#!/usr/bin/env node
// Standalone verifier of a dangan ledger proof bundle (docs/LEDGER.md). Plain JavaScript for any
// Node >= 20, nothing but node:crypto and node:fs: copy this one file anywhere and run
//
//   node ledger-verify.mjs BUNDLE.json [--key-id ID | --public-key FILE] [--json]
//
// It checks the checkpoint's signature (Ed25519, or SM2 with SM3 — GB/T 32918.2, checked below in
// plain BigInt arithmetic because node:crypto has no SM2 signature), that every entry belongs to the bundle's record,
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

// SM2 (GB/T 32918.2-2016 §7, verification) over the curve of GB/T 32918.5, with SM3 and the default
// distinguishing ID 1234567812345678. The signature is DER SEQUENCE { INTEGER r, INTEGER s }.
const SM2 = {
  p: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF'),
  a: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
  b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
  n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
  x: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
  y: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
};
const SM2_ID = Buffer.from('1234567812345678');
/** @type {(v: bigint, m: bigint) => bigint} */
const mod = (v, m) => ((v % m) + m) % m;
const int32 = (v) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const toInt = (bytes) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
/** @param {bigint} v @param {bigint} m @returns {bigint} */
function modInverse(v, m) {
  let [r0, r1, t0, t1] = [mod(v, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return mod(t0, m);
}
// Points in Jacobian coordinates [X, Y, Z] (x = X/Z², y = Y/Z³); null is the point at infinity.
function pointDouble(P) {
  if (!P || P[1] === 0n) return null;
  const { p, a } = SM2;
  const [X, Y, Z] = P;
  const YY = mod(Y * Y, p);
  const S = mod(4n * X * YY, p);
  const Z2 = mod(Z * Z, p);
  const M = mod(3n * X * X + a * Z2 * Z2, p);
  const X3 = mod(M * M - 2n * S, p);
  return [X3, mod(M * (S - X3) - 8n * YY * YY, p), mod(2n * Y * Z, p)];
}
function pointAdd(P, Q) {
  if (!P) return Q;
  if (!Q) return P;
  const { p } = SM2;
  const [X1, Y1, Z1] = P;
  const [X2, Y2, Z2] = Q;
  const Z1Z1 = mod(Z1 * Z1, p);
  const Z2Z2 = mod(Z2 * Z2, p);
  const U1 = mod(X1 * Z2Z2, p);
  const U2 = mod(X2 * Z1Z1, p);
  const S1 = mod(Y1 * Z2 * Z2Z2, p);
  const S2 = mod(Y2 * Z1 * Z1Z1, p);
  if (U1 === U2) return S1 === S2 ? pointDouble(P) : null;
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  const HH = mod(H * H, p);
  const HHH = mod(H * HH, p);
  const X3 = mod(R * R - HHH - 2n * U1 * HH, p);
  return [X3, mod(R * (U1 * HH - X3) - S1 * HHH, p), mod(H * Z1 * Z2, p)];
}
function pointMultiply(k, P) {
  let result = null;
  for (let addend = P; k > 0n; k >>= 1n, addend = pointDouble(addend))
    if (k & 1n) result = pointAdd(result, addend);
  return result;
}
function derSignature(bytes) {
  // SEQUENCE { INTEGER r, INTEGER s }, short lengths only (an SM2 signature is ≤ 72 bytes).
  const b = Buffer.from(bytes);
  if (b.length < 8 || b[0] !== 0x30 || b[1] !== b.length - 2) return undefined;
  const ints = [];
  for (let i = 2; ints.length < 2;) {
    if (b[i] !== 0x02 || i + 2 + b[i + 1] > b.length || b[i + 1] === 0 || b[i + 1] > 33) return undefined;
    ints.push(toInt(b.subarray(i + 2, i + 2 + b[i + 1])));
    i += 2 + b[i + 1];
    if (ints.length === 2 && i !== b.length) return undefined;
  }
  return ints;
}
function verifySm2(publicKey, message, signature) {
  const { p, a, b, n, x, y } = SM2;
  const point = publicKey.export({ type: 'spki', format: 'der' }).subarray(-65);
  if (point[0] !== 0x04) return false;
  const xA = toInt(point.subarray(1, 33));
  const yA = toInt(point.subarray(33));
  if (mod(yA * yA - (xA * xA * xA + a * xA + b), p) !== 0n) return false;
  const rs = derSignature(signature);
  if (!rs) return false;
  const [r, s] = rs;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const entl = Buffer.from([(SM2_ID.length * 8) >> 8, (SM2_ID.length * 8) & 0xff]);
  const z = H('sm3', entl, SM2_ID, int32(a), int32(b), int32(x), int32(y), int32(xA), int32(yA));
  const e = toInt(H('sm3', z, message));
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const sum = pointAdd(pointMultiply(s, [x, y, 1n]), pointMultiply(t, [xA, yA, 1n]));
  if (!sum) return false;
  const x1 = mod(sum[0] * modInverse(mod(sum[2] * sum[2], p), p), p);
  return mod(e + x1, n) === r;
}
// The key names the algorithm: Ed25519, or an EC key on the SM2 curve (its SubjectPublicKeyInfo
// begins with id-ecPublicKey and the OID 1.2.156.10197.1.301; Node reports no key type for it).
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex');
function keyAlgorithm(key) {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  const der = key.export({ type: 'spki', format: 'der' });
  return der.length === SM2_SPKI_PREFIX.length + 64 &&
    der.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)
    ? 'sm2'
    : undefined;
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
let algorithmUsed;
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
    algorithmUsed = keyAlgorithm(key);
    if (!algorithmUsed) fail('公钥既不是 Ed25519 也不是 SM2', 'the public key is neither Ed25519 nor SM2');
  } catch (error) {
    fail(`公钥无效：${error.message}`, `invalid public key: ${error.message}`);
  }
  const wantedKeyId = option('--key-id');
  if (wantedKeyId && keyId !== wantedKeyId)
    fail(
      `公钥 ${keyId} 不是所要求的 ${wantedKeyId}`,
      `public key ${keyId} is not the required ${wantedKeyId}`,
    );
  if (key && keyAlgorithm(key) && checkpoint) {
    let good = false;
    try {
      const body = Buffer.from(bundle.checkpoint.body, 'utf8');
      const signature = Buffer.from(String(bundle.checkpoint.signature), 'base64');
      // The key says the algorithm; bundle.checkpoint.keyAlgorithm is informative only.
      good =
        keyAlgorithm(key) === 'sm2' ? verifySm2(key, body, signature) : verify(null, body, key, signature);
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
  keyAlgorithm: algorithmUsed ?? null,
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
