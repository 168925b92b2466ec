/** Training, prediction and evaluation on JSONL files: what `dangan classify …` does without a database. */
import { labelled, readJsonl } from './classify.dataset.ts';
import { evaluate, type Evaluation } from './classify.metrics.ts';
import { trainClassifier, type LinearClassifier, type TrainOptions } from './classify.model.ts';
import type { LabelledText, ModelInfo, Prediction } from './classify.port.ts';
import { loadModel, saveModel } from './classify.store.ts';

export async function trainToFolder(
  rows: LabelledText[],
  modelDir: string,
  options: TrainOptions = {},
): Promise<{ info: ModelInfo; bytes: number; model: LinearClassifier }> {
  const model = trainClassifier(rows, options);
  const { bytes } = await saveModel(model, modelDir);
  return { info: model.info, bytes, model };
}

export async function trainFromFile(input: string, modelDir: string, options: TrainOptions = {}) {
  // Every row is read and checked before training starts: a bad line costs nothing and writes nothing.
  const rows = labelled(await readJsonl(input, true));
  return trainToFolder(rows, modelDir, options);
}

export async function predictFile(modelDir: string, input: string, topK = 5): Promise<Prediction[]> {
  const model = await loadModel(modelDir);
  const rows = await readJsonl(input, false);
  return rows.map((r) => model.predict(r.text, topK));
}

export async function evalFile(modelDir: string, input: string): Promise<Evaluation & { model: ModelInfo }> {
  const model = await loadModel(modelDir);
  const rows = await readJsonl(input, true);
  const predicted = rows.map((r) => model.predict(r.text, 1).label);
  return {
    ...evaluate(
      rows.map((r) => r.label!),
      predicted,
      model.info.labels,
    ),
    model: model.info,
  };
}
