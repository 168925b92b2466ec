/** One OCR bench worker (a child process): reads the pages it is sent, reports text, time and peak RSS. */
import { ocrFile } from '../src/modules/ocr/ocr.usecases.ts';
import { createPpOcrEngine } from '../src/modules/ocr/ppocr.adapter.ts';

const engine = await createPpOcrEngine();
process.on('message', (message: { path: string; id: string } | 'stop') => {
  if (message === 'stop') {
    void engine.close().then(() => process.exit(0));
    return;
  }
  const started = performance.now();
  ocrFile(engine, message.path, message.id).then(
    (document) =>
      process.send!({
        id: message.id,
        text: document.text,
        seconds: (performance.now() - started) / 1000,
        maxRss: process.resourceUsage().maxRSS * 1024,
      }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.send!('ready');
