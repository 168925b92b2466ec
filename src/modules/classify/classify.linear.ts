/**
 * Multinomial logistic regression on hashed sparse features, trained with AdaGrad SGD: class
 * weights against imbalance, a seeded shuffle (the same data and seed give the same model), and
 * temperature scaling on a held-out split so that confidences mean what they say (Guo et al. 2017).
 * Written here rather than taken from a library: no maintained npm package trains sparse multinomial
 * models of this size in reasonable time, and the whole model is ~150 lines.
 */
import type { SparseVector } from './classify.features.ts';

export interface LinearWeights {
  classes: number;
  buckets: number;
  /** buckets × classes, row per bucket */
  w: Float32Array;
  bias: Float32Array;
  temperature: number;
}

export interface TrainParams {
  epochs: number;
  learningRate: number;
  seed: number;
  /** weight each class by n / (k · n_class), so rare classes count as much as common ones */
  balanceClasses: boolean;
  /**
   * Share of the target spread over all classes (label smoothing). Used when the training set is
   * too small to hold out a calibration split: a model trained on a few clean examples must not
   * claim certainty. (With a calibration split, temperature scaling does this job better: on
   * lawrefbook-laws smoothing 0.05 cost 4 points of accuracy.)
   */
  labelSmoothing: number;
}

export const DEFAULT_TRAIN: TrainParams = {
  epochs: 8,
  learningRate: 0.8,
  seed: 42,
  balanceClasses: true,
  labelSmoothing: 0,
};

/** mulberry32: small, seeded, identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function scores(
  model: LinearWeights,
  x: SparseVector,
  out = new Float64Array(model.classes),
): Float64Array {
  const k = model.classes;
  for (let c = 0; c < k; c++) out[c] = model.bias[c]!;
  for (let i = 0; i < x.idx.length; i++) {
    const row = x.idx[i]! * k;
    const v = x.val[i]!;
    for (let c = 0; c < k; c++) out[c]! += model.w[row + c]! * v;
  }
  return out;
}

/** In place: logits / temperature → probabilities. */
export function softmax(logits: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z / temperature);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    logits[c] = Math.exp(logits[c]! / temperature - max);
    sum += logits[c]!;
  }
  for (let c = 0; c < logits.length; c++) logits[c]! /= sum;
  return logits;
}

export function trainLinear(
  xs: SparseVector[],
  ys: Int32Array,
  classes: number,
  buckets: number,
  params: TrainParams,
): LinearWeights {
  const model: LinearWeights = {
    classes,
    buckets,
    w: new Float32Array(buckets * classes),
    bias: new Float32Array(classes),
    temperature: 1,
  };
  const g2 = new Float32Array(buckets);
  const b2 = new Float32Array(classes);
  const counts = new Float64Array(classes);
  for (const y of ys) counts[y]!++;
  const classWeight = Float64Array.from(counts, (n) =>
    params.balanceClasses && n > 0 ? ys.length / (classes * n) : 1,
  );
  const order = Int32Array.from(xs.keys());
  const random = seededRandom(params.seed);
  const p = new Float64Array(classes);
  const lr = params.learningRate;
  const offTarget = params.labelSmoothing / classes;
  const onTarget = 1 - params.labelSmoothing + offTarget;
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let updates = 0;
    for (const n of order) {
      const x = xs[n]!;
      const y = ys[n]!;
      softmax(scores(model, x, p));
      // An example already at its target would change nothing: skip its update.
      if (Math.abs(p[y]! - onTarget) < 0.001) continue;
      updates++;
      const cw = classWeight[y]!;
      for (let c = 0; c < classes; c++) p[c] = (p[c]! - (c === y ? onTarget : offTarget)) * cw;
      for (let c = 0; c < classes; c++) {
        const g = p[c]!;
        b2[c]! += g * g;
        model.bias[c]! -= (lr * g) / Math.sqrt(b2[c]! + 1e-8);
      }
      let gg = 0;
      for (let c = 0; c < classes; c++) gg += p[c]! * p[c]!;
      for (let i = 0; i < x.idx.length; i++) {
        const bucket = x.idx[i]!;
        const row = bucket * classes;
        const v = x.val[i]!;
        // AdaGrad with one accumulator per feature (row), shared by its classes: one square root
        // per feature instead of one per weight, and a tenth of the memory.
        const acc = g2[bucket]! + gg * v * v;
        g2[bucket] = acc;
        const rate = (lr * v) / Math.sqrt(acc);
        for (let c = 0; c < classes; c++) model.w[row + c]! -= rate * p[c]!;
      }
    }
    if (updates === 0) break;
  }
  return model;
}

/** The temperature that minimises the negative log-likelihood of held-out logits (golden-section on ln T). */
export function fitTemperature(logits: Float64Array[], ys: Int32Array): number {
  if (logits.length === 0) return 1;
  const nll = (t: number) => {
    let total = 0;
    for (let n = 0; n < logits.length; n++) {
      const z = logits[n]!;
      let max = -Infinity;
      for (const v of z) max = Math.max(max, v / t);
      let sum = 0;
      for (const v of z) sum += Math.exp(v / t - max);
      total -= z[ys[n]!]! / t - max - Math.log(sum);
    }
    return total;
  };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(Math.exp(a)) < nll(Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}
