/**
 * The baseline the classifier is measured against: plain TF-IDF over jieba words (vocabulary from
 * the training set, smoothed idf, L2-normalised) and multinomial logistic regression trained with
 * plain SGD at a constant rate — no character n-grams, no class weights, no calibration.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

const jieba = Jieba.withDict(dict);
const MAX_CHARS = 12_000;

interface Vec {
  idx: number[];
  val: number[];
}

export class TfidfLogReg {
  private vocab = new Map<string, number>();
  private idf: number[] = [];
  private w: Float64Array = new Float64Array(0);
  private b: Float64Array = new Float64Array(0);
  labels: string[] = [];

  private tokens(text: string): string[] {
    return jieba.cut(text.slice(0, MAX_CHARS), false).filter((t) => t.trim() !== '');
  }

  private vector(text: string): Vec {
    const counts = new Map<number, number>();
    for (const t of this.tokens(text)) {
      const i = this.vocab.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const idx = [...counts.keys()];
    const val = idx.map((i) => counts.get(i)! * this.idf[i]!);
    const norm = Math.sqrt(val.reduce((a, v) => a + v * v, 0)) || 1;
    return { idx, val: val.map((v) => v / norm) };
  }

  train(rows: Array<{ text: string; label: string }>, epochs = 10, lr = 0.5): void {
    this.labels = [...new Set(rows.map((r) => r.label))].sort();
    const df = new Map<string, number>();
    const docs = rows.map((r) => this.tokens(r.text));
    for (const tokens of docs) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, n] of df) {
      this.vocab.set(t, this.idf.length);
      this.idf.push(Math.log((1 + rows.length) / (1 + n)) + 1);
    }
    const k = this.labels.length;
    this.w = new Float64Array(this.idf.length * k);
    this.b = new Float64Array(k);
    const xs = rows.map((r) => this.vector(r.text));
    const ys = rows.map((r) => this.labels.indexOf(r.label));
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    const order = [...xs.keys()];
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const p = this.probabilities(xs[n]!);
        p[ys[n]!]! -= 1;
        for (let c = 0; c < k; c++) this.b[c]! -= lr * p[c]!;
        const x = xs[n]!;
        for (let i = 0; i < x.idx.length; i++)
          for (let c = 0; c < k; c++) this.w[x.idx[i]! * k + c]! -= lr * p[c]! * x.val[i]!;
      }
    }
  }

  private probabilities(x: Vec): Float64Array {
    const k = this.labels.length;
    const z = Float64Array.from(this.b);
    for (let i = 0; i < x.idx.length; i++)
      for (let c = 0; c < k; c++) z[c]! += this.w[x.idx[i]! * k + c]! * x.val[i]!;
    const max = Math.max(...z);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
    for (let c = 0; c < k; c++) z[c]! /= sum;
    return z;
  }

  predict(text: string): string {
    const p = this.probabilities(this.vector(text));
    return this.labels[p.indexOf(Math.max(...p))]!;
  }

  /** Size of the vocabulary, idf and weights as float32, comparable to the model folder. */
  sizeBytes(): number {
    let vocabBytes = 0;
    for (const t of this.vocab.keys()) vocabBytes += Buffer.byteLength(t) + 1;
    return vocabBytes + (this.idf.length + this.w.length + this.b.length) * 4;
  }
}
