/**
 * The linear text classifier behind the Classifier port: training (stratified held-out split,
 * calibration, evaluation figures) and prediction.
 */
import { oneClass } from './classify.errors.ts';
import { DEFAULT_FEATURES, featurize, type FeatureConfig, type SparseVector } from './classify.features.ts';
import {
  DEFAULT_TRAIN,
  fitTemperature,
  scores,
  seededRandom,
  softmax,
  trainLinear,
  type LinearWeights,
  type TrainParams,
} from './classify.linear.ts';
import { evaluate } from './classify.metrics.ts';
import type { Classifier, LabelledText, ModelInfo, Prediction } from './classify.port.ts';

export const MODEL_KIND = 'hashed-ngram-logreg';
export const MODEL_FORMAT_VERSION = 1;

export class LinearClassifier implements Classifier {
  readonly info: ModelInfo;
  readonly features: FeatureConfig;
  readonly weights: LinearWeights;

  constructor(info: ModelInfo, features: FeatureConfig, weights: LinearWeights) {
    this.info = info;
    this.features = features;
    this.weights = weights;
  }

  predict(text: string, topK = 5): Prediction {
    const p = softmax(scores(this.weights, featurize(text, this.features)), this.weights.temperature);
    const order = [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b);
    const top = order
      .slice(0, Math.max(1, topK))
      .map((c) => ({ label: this.info.labels[c]!, confidence: round(p[c]!) }));
    return { label: top[0]!.label, confidence: top[0]!.confidence, top };
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export interface TrainOptions {
  features?: Partial<FeatureConfig>;
  params?: Partial<TrainParams>;
  /** share of each class held out for calibration and the evaluation figures */
  holdOut?: number;
  now?: () => Date;
}

export function trainClassifier(rows: readonly LabelledText[], options: TrainOptions = {}): LinearClassifier {
  const started = performance.now();
  const features = { ...DEFAULT_FEATURES, ...options.features };
  const params = { ...DEFAULT_TRAIN, ...options.params };
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw oneClass({ count: labels.length });
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const xs: SparseVector[] = rows.map((r) => featurize(r.text, features));
  const ys = Int32Array.from(rows, (r) => labelIndex.get(r.label)!);

  // Stratified hold-out: a tenth of every class with at least 5 rows (fewer: all are trained on).
  const random = seededRandom(params.seed ^ 0x5bd1e995);
  const byClass = labels.map(() => [] as number[]);
  ys.forEach((y, n) => byClass[y]!.push(n));
  const held = new Set<number>();
  for (const members of byClass) {
    if (members.length < 5) continue;
    const shuffled = [...members];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const n of shuffled.slice(0, Math.max(1, Math.round(members.length * (options.holdOut ?? 0.1)))))
      held.add(n);
  }
  const calibrate = held.size >= 10;
  const trainIdx = [...xs.keys()].filter((n) => !calibrate || !held.has(n));
  const weights = trainLinear(
    trainIdx.map((n) => xs[n]!),
    Int32Array.from(trainIdx, (n) => ys[n]!),
    labels.length,
    features.buckets,
    calibrate || options.params?.labelSmoothing !== undefined ? params : { ...params, labelSmoothing: 0.1 },
  );
  let evalFigures: ModelInfo['eval'] = null;
  if (calibrate) {
    const heldIdx = [...held].sort((a, b) => a - b);
    const logits = heldIdx.map((n) => scores(weights, xs[n]!));
    weights.temperature = fitTemperature(
      logits,
      Int32Array.from(heldIdx, (n) => ys[n]!),
    );
    const predicted = logits.map((z) => labels[z.indexOf(Math.max(...z))]!);
    const e = evaluate(
      heldIdx.map((n) => labels[ys[n]!]!),
      predicted,
    );
    evalFigures = { size: e.size, accuracy: e.accuracy, macroF1: e.macroF1 };
  }
  const classCounts: Record<string, number> = {};
  for (const r of rows) classCounts[r.label] = (classCounts[r.label] ?? 0) + 1;
  const info: ModelInfo = {
    formatVersion: MODEL_FORMAT_VERSION,
    kind: MODEL_KIND,
    labels,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    training: {
      size: rows.length,
      classCounts,
      seconds: Math.round((performance.now() - started) / 10) / 100,
      seed: params.seed,
    },
    eval: evalFigures,
  };
  return new LinearClassifier(info, features, weights);
}
