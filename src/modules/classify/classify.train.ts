/** Training off the event loop: the rows go to a worker thread, the weights come back transferred. */
import { Worker } from 'node:worker_threads';
import type { FeatureConfig } from './classify.features.ts';
import { oneClass } from './classify.errors.ts';
import type { TrainParams } from './classify.linear.ts';
import { LinearClassifier } from './classify.model.ts';
import type { LabelledText, ModelInfo } from './classify.port.ts';

export interface TrainRequest {
  rows: LabelledText[];
  params: Partial<TrainParams>;
}

type Reply =
  | {
      ok: true;
      info: ModelInfo;
      features: FeatureConfig;
      w: Float32Array;
      bias: Float32Array;
      temperature: number;
    }
  | { ok: false; code?: string; details?: Record<string, unknown>; message?: string };

export function trainInWorker(
  rows: LabelledText[],
  params: Partial<TrainParams> = {},
): Promise<LinearClassifier> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./classify.train.worker.ts', import.meta.url), {
      workerData: { rows, params } satisfies TrainRequest,
    });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) {
        resolve(
          new LinearClassifier(reply.info, reply.features, {
            classes: reply.info.labels.length,
            buckets: reply.features.buckets,
            w: reply.w,
            bias: reply.bias,
            temperature: reply.temperature,
          }),
        );
      } else if (reply.code === oneClass.code) {
        reject(oneClass(reply.details));
      } else {
        reject(new Error(reply.message ?? reply.code ?? 'training failed'));
      }
    });
    worker.once('error', (error: Error) => {
      if (!settled) reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code}`));
    });
  });
}
