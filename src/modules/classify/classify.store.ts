/**
 * The model folder: `model.json` (format version, labels, feature settings, training size,
 * evaluation figures, the weights' SHA-256) and `weights.bin` (float32 little-endian: buckets ×
 * classes weights, then the biases). A model is written to a temporary sibling folder and renamed
 * into place, so a failed or interrupted training never leaves a half-written or mixed model.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { modelInvalid, modelMissing, modelTooNew, notAModelFolder } from './classify.errors.ts';
import type { FeatureConfig } from './classify.features.ts';
import { LinearClassifier, MODEL_FORMAT_VERSION, MODEL_KIND } from './classify.model.ts';
import type { ModelInfo } from './classify.port.ts';

interface ModelFile extends ModelInfo {
  format: 'dangan-classifier';
  features: FeatureConfig;
  temperature: number;
  weights: { file: string; dtype: 'float32le'; bytes: number; sha256: string };
}

function weightsBytes(model: LinearClassifier): Buffer {
  const { w, bias } = model.weights;
  const out = Buffer.alloc((w.length + bias.length) * 4);
  for (let i = 0; i < w.length; i++) out.writeFloatLE(w[i]!, i * 4);
  for (let i = 0; i < bias.length; i++) out.writeFloatLE(bias[i]!, (w.length + i) * 4);
  return out;
}

/** Writes the model to `dir`, replacing an older model there only once the new one is complete. */
export async function saveModel(model: LinearClassifier, dir: string): Promise<{ bytes: number }> {
  if (existsSync(dir) && !existsSync(join(dir, 'model.json'))) {
    const { readdir } = await import('node:fs/promises');
    if ((await readdir(dir)).length > 0) throw notAModelFolder({ path: dir });
  }
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${randomUUID()}`);
  const old = join(parent, `.${basename(dir)}.old-${randomUUID()}`);
  const weights = weightsBytes(model);
  const file: ModelFile = {
    format: 'dangan-classifier',
    ...model.info,
    features: model.features,
    temperature: model.weights.temperature,
    weights: {
      file: 'weights.bin',
      dtype: 'float32le',
      bytes: weights.length,
      sha256: createHash('sha256').update(weights).digest('hex'),
    },
  };
  try {
    await mkdir(tmp);
    await writeFile(join(tmp, 'weights.bin'), weights, { flush: true });
    await writeFile(join(tmp, 'model.json'), `${JSON.stringify(file, null, 2)}\n`, { flush: true });
    if (existsSync(dir)) await rename(dir, old);
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) await rename(old, dir);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
  return { bytes: weights.length + JSON.stringify(file).length };
}

export async function loadModel(dir: string): Promise<LinearClassifier> {
  const jsonPath = join(dir, 'model.json');
  if (!existsSync(jsonPath)) throw modelMissing({ path: dir });
  let file: ModelFile;
  try {
    file = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelFile;
  } catch {
    throw modelInvalid({ reason: 'model.json 不是有效的 JSON / model.json is not valid JSON' });
  }
  if (file.format !== 'dangan-classifier') throw modelInvalid({ reason: 'format' });
  if (typeof file.formatVersion !== 'number') throw modelInvalid({ reason: 'formatVersion' });
  if (file.formatVersion > MODEL_FORMAT_VERSION)
    throw modelTooNew({ version: file.formatVersion, supported: MODEL_FORMAT_VERSION });
  if (file.kind !== MODEL_KIND) throw modelInvalid({ reason: `kind ${String(file.kind)}` });
  const labels = file.labels;
  const buckets = file.features?.buckets;
  if (!Array.isArray(labels) || labels.length < 2 || !Number.isInteger(buckets) || buckets <= 0)
    throw modelInvalid({ reason: 'labels/features' });
  const weightsPath = join(dir, file.weights.file);
  const expected = (buckets * labels.length + labels.length) * 4;
  if (!existsSync(weightsPath) || (await stat(weightsPath)).size !== expected)
    throw modelInvalid({ reason: 'weights.bin 大小不符 / weights.bin has the wrong size' });
  const bytes = await readFile(weightsPath);
  if (createHash('sha256').update(bytes).digest('hex') !== file.weights.sha256)
    throw modelInvalid({ reason: 'weights.bin 校验失败 / weights.bin checksum mismatch' });
  const all = new Float32Array(bytes.length / 4);
  for (let i = 0; i < all.length; i++) all[i] = bytes.readFloatLE(i * 4);
  const w = all.subarray(0, buckets * labels.length);
  const bias = all.subarray(buckets * labels.length);
  const info: ModelInfo = {
    formatVersion: file.formatVersion,
    kind: file.kind,
    labels,
    createdAt: file.createdAt,
    training: file.training,
    eval: file.eval,
  };
  return new LinearClassifier(info, file.features, {
    classes: labels.length,
    buckets,
    w,
    bias,
    temperature: file.temperature,
  });
}
