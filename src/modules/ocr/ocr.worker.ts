/**
 * One OCR worker process of the pool (ocr.pool.ts): loads the engine once (one ONNX thread), then
 * reads the files it is sent, reporting each page as it finishes so the pool can enforce the
 * per-page time limit, and answers with the document, its CPU time and its peak RSS.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAppError } from '../../app/errors.ts';
import type { OutputFile, PoolReply, PoolRequest } from './ocr.pool.ts';
import { createPpOcrEngine, type PpOcrOptions } from './ppocr.adapter.ts';
import { ocrFile } from './ocr.usecases.ts';

const send = (reply: PoolReply) => process.send!(reply);
const engineOptions = JSON.parse(process.env.DANGAN_OCR_ENGINE ?? '{}') as Partial<PpOcrOptions>;
const engine = await createPpOcrEngine(engineOptions);
let busy = Promise.resolve();

process.on('message', (request: PoolRequest) => {
  if (request.type === 'stop') {
    void busy.then(() => engine.close()).then(() => process.exit(0));
    return;
  }
  busy = busy.then(async () => {
    const cpu = process.cpuUsage();
    try {
      const document = await ocrFile(engine, request.path, request.name, {
        pageTimeoutMs: request.pageTimeoutMs,
        onPage: (index, count) =>
          send({ type: 'page', id: request.id, index, count, rss: process.memoryUsage.rss() }),
      });
      const written: string[] = [];
      const outputs: OutputFile[] = [];
      if (request.outDir) {
        const { ocrOutputs } = await import('./ocr.outputs.ts');
        await mkdir(request.outDir, { recursive: true });
        const skipped = (name: string, error: unknown) =>
          process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
        for (const output of await ocrOutputs(
          request.path,
          request.stem ?? request.name,
          document,
          skipped,
        )) {
          await writeFile(join(request.outDir, output.name), output.bytes);
          written.push(output.name);
          const { bytes: _bytes, ...described } = output;
          outputs.push(described);
        }
      }
      const used = process.cpuUsage(cpu);
      send({
        type: 'done',
        id: request.id,
        document,
        written,
        outputs,
        cpuSeconds: (used.user + used.system) / 1e6,
        maxRss: process.resourceUsage().maxRSS * 1024,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(
        isAppError(error)
          ? {
              type: 'failed',
              id: request.id,
              code: error.code,
              status: error.status,
              zh: error.zh,
              en: error.en,
              ...(error.details
                ? { details: JSON.parse(JSON.stringify(error.details)) as Record<string, unknown> }
                : {}),
            }
          : { type: 'failed', id: request.id, code: 'ocr.failed', status: 500, zh: message, en: message },
      );
    }
  });
});
send({ type: 'ready' });
