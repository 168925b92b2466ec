/**
 * dangan ocr <file…>: reads scans (PDF, PNG, JPEG, TIFF) without touching the archive, in a pool
 * of worker processes (one ONNX thread each) with a time limit per page. The OCR modules are
 * imported only when the command runs, so the CLI starts fast.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { action } from './context.ts';
import { printError, printJson } from './output.ts';

interface OcrOptions {
  json?: boolean;
  out?: string;
  lang: string;
  detMaxSide?: string;
  workers?: string;
  pageTimeout: string;
}

export function registerOcrCommand(program: Command): void {
  program
    .command('ocr <files...>')
    .description('识别扫描件中的文字（PDF、PNG、JPEG、TIFF）/ read the text of scanned pages')
    .option('--json', '输出版面 JSON（行、坐标、置信度、表格、印章、签名）/ print the layout as JSON')
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
    .option('--workers <n>', '识别进程数（默认每核一个）/ OCR worker processes (default: one per core)')
    .option('--page-timeout <seconds>', '每页时限（秒）/ time limit per page in seconds', '120')
    .action(
      action(async (files: string[], options: OcrOptions) => {
        const { createOcrPool } = await import('../modules/ocr/ocr.pool.ts');
        const workers = Math.max(
          1,
          Math.min(files.length, options.workers ? Number(options.workers) : availableParallelism()),
        );
        const pool = createOcrPool({
          workers,
          pageTimeoutMs: Number(options.pageTimeout) * 1000,
          engine: options.detMaxSide ? { detMaxSide: Number(options.detMaxSide) } : {},
        });
        let failed = 0;
        try {
          // Files are read in parallel; results are printed in the order given.
          const results = files.map((file) => {
            const stem = basename(file).replace(/\.[^.]{1,10}$/, '');
            const outDir = options.out;
            return pool.read(file, basename(file), outDir ? { outDir, stem } : {});
          });
          // Awaited in order below; a later file failing first must not count as unhandled.
          for (const result of results) result.catch(() => {});
          for (const [i, file] of files.entries()) {
            try {
              const { document } = await results[i]!;
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
          await pool.close();
        }
        return failed > 0 ? 1 : 0;
      }),
    );
}
