/**
 * dangan ocr <file…>: reads scans (PDF, PNG, JPEG, TIFF) without touching the archive. The OCR engine
 * and image libraries are imported only when the command runs, so the CLI starts fast.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { action } from './context.ts';
import { printError, printJson } from './output.ts';

interface OcrOptions {
  json?: boolean;
  out?: string;
  lang: string;
  detMaxSide?: string;
}

export function registerOcrCommand(program: Command): void {
  program
    .command('ocr <files...>')
    .description('识别扫描件中的文字（PDF、PNG、JPEG、TIFF）/ read the text of scanned pages')
    .option('--json', '输出版面 JSON（行、坐标、置信度、印章）/ print the layout as JSON')
    .option(
      '--out <dir>',
      '写入 <名称>.txt、.pdf（可检索）、-table-N.xlsx 与 .json / write <name>.txt, .pdf (searchable), -table-N.xlsx and .json',
    )
    .addOption(
      new Option('--lang <lang>', '语言，目前仅 zh / language (zh only for now)')
        .choices(['zh'])
        .default('zh'),
    )
    .option('--det-max-side <px>', '检测时页面最长边 / longest page side for text detection')
    .action(
      action(async (files: string[], options: OcrOptions) => {
        const [{ createPpOcrEngine }, { ocrFile }, { ocrOutputs }] = await Promise.all([
          import('../modules/ocr/ppocr.adapter.ts'),
          import('../modules/ocr/ocr.usecases.ts'),
          import('../modules/ocr/ocr.outputs.ts'),
        ]);
        const engine = await createPpOcrEngine(
          options.detMaxSide ? { detMaxSide: Number(options.detMaxSide) } : {},
        );
        let failed = 0;
        try {
          if (options.out) await mkdir(options.out, { recursive: true });
          for (const file of files) {
            try {
              const document = await ocrFile(engine, file, basename(file));
              if (options.out) {
                const stem = basename(file).replace(/\.[^.]{1,10}$/, '');
                for (const output of await ocrOutputs(file, stem, document))
                  await writeFile(join(options.out, output.name), output.bytes);
              }
              if (options.json) printJson({ file, ...document });
              else if (!options.out) process.stdout.write(`${document.text}\n`);
              else process.stderr.write(`${file} → ${options.out}（${document.pages.length} 页）\n`);
            } catch (error) {
              // One bad file must not stop the others; report it and go on.
              failed++;
              process.stderr.write(`${file}:\n`);
              printError(error, process.env.DANGAN_LOCALE === 'en' ? 'en' : 'zh');
            }
          }
        } finally {
          await engine.close();
        }
        return failed > 0 ? 1 : 0;
      }),
    );
}
