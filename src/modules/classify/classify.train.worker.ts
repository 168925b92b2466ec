/** Trains a classifier on a worker thread, so retraining does not stall the server's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../app/errors.ts';
import { trainClassifier } from './classify.model.ts';
import type { TrainRequest } from './classify.train.ts';

const { rows, params } = workerData as TrainRequest;
try {
  const model = trainClassifier(rows, { params });
  const { w, bias, temperature } = model.weights;
  parentPort!.postMessage({ ok: true, info: model.info, features: model.features, w, bias, temperature }, [
    w.buffer as ArrayBuffer,
    bias.buffer as ArrayBuffer,
  ]);
} catch (error) {
  parentPort!.postMessage(
    isAppError(error)
      ? { ok: false, code: error.code, details: error.details ?? {} }
      : { ok: false, message: (error as Error)?.message ?? String(error) },
  );
}
