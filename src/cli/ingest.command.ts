/** dangan ingest <files or folders…>: batch ingest with a progress bar, a summary and JSON lines. */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { isAppError } from '../app/errors.ts';
import type { Services } from '../app/services.ts';
import { pathNotFound } from '../modules/ingest/ingest.errors.ts';
import { ingestFile } from '../modules/ingest/ingest.usecases.ts';
import { readManifest, type Manifest } from '../modules/ingest/manifest.ts';
import type { RecordMetadataPatch } from '../modules/records/records.models.ts';
import { action, withServices } from './context.ts';
import { formatBytes, printJson } from './output.ts';

interface IngestOptions {
  fonds?: string;
  category?: string;
  level?: string;
  retention?: string;
  org?: string;
  meta?: string;
  json?: boolean;
  file?: boolean;
  process?: boolean;
  concurrency: string;
}

interface Item {
  path: string;
  /** the path relative to the folder it was found in, for manifest matching */
  relative: string;
  size: number;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest <paths...>')
    .description('接收文件或文件夹（递归）/ ingest files or folders (recursively)')
    .option('--fonds <code>', '全宗号 / fonds')
    .option('--category <code>', '门类代码 WS JJ KJ ZP SP … / archive category')
    .option('--level <level>', '密级 / secrecy level')
    .option('--retention <code>', '保管期限 Y D30 D10 / retention period')
    .option('--org <code>', '机构（问题）代码 / organisation')
    .option('--meta <manifest>', '著录清单 manifest.json 或 .csv / metadata manifest')
    .option('--file', '元数据完整时立即归档并分配档号 / file at once and assign archive numbers')
    .option('--process', '退出前处理排队的任务（文本提取等）/ run the queued jobs before exiting')
    .option('--concurrency <n>', '并行数 / files in parallel', '4')
    .option('--json', '每个文件输出一行 JSON / one JSON line per file')
    .action(
      action(async (paths: string[], options: IngestOptions, command: Command) =>
        withServices(command, async (services) => runIngest(services, paths, options)),
      ),
    );
}

async function runIngest(services: Services, paths: string[], options: IngestOptions): Promise<number> {
  const manifest = options.meta ? await readManifest(options.meta) : undefined;
  const items: Item[] = [];
  for (const path of paths) await collect(path, path, items);
  const totalBytes = items.reduce((sum, item) => sum + item.size, 0);
  const showBar = !options.json && process.stderr.isTTY && items.length > 1;
  const bar = showBar
    ? new SingleBar({
        format: '接收 {bar} {value}/{total} 个文件 | {percentage}% | 剩余 {eta_formatted}',
        hideCursor: true,
      })
    : undefined;
  bar?.start(items.length, 0);

  const counts = { created: 0, duplicate: 0, failed: 0, filed: 0 };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const line = await ingestOne(services, item, options, manifest);
      counts[line.status === 'failed' ? 'failed' : line.status]++;
      if (line.archiveNo) counts.filed++;
      if (options.json) printJson(line);
      else if (line.status === 'failed') {
        bar?.stop();
        process.stderr.write(`失败 ${item.path}：[${line.error.code}] ${line.error.message}\n`);
        bar?.start(items.length, next);
      } else if (!showBar) {
        process.stdout.write(
          `${line.status === 'created' ? '已接收' : '已存在'} ${item.path} → ${line.archiveNo ?? line.recordId}\n`,
        );
      }
      bar?.increment();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(options.concurrency) || 1) }, worker));
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;

  if (options.process) {
    const workers = services.startJobWorkers();
    await workers.idle();
  }
  if (!options.json) {
    process.stderr.write(
      `\n共 ${items.length} 个文件（${formatBytes(totalBytes)}），新建 ${counts.created}，已存在 ${counts.duplicate}，失败 ${counts.failed}，归档 ${counts.filed}；` +
        `用时 ${seconds.toFixed(1)} 秒，${(items.length / seconds).toFixed(1)} 个/秒，${(totalBytes / 1e6 / seconds).toFixed(1)} MB/s\n`,
    );
  }
  return counts.failed > 0 ? 2 : 0;
}

async function ingestOne(
  services: Services,
  item: Item,
  options: IngestOptions,
  manifest: Manifest | undefined,
) {
  const fromManifest: RecordMetadataPatch =
    manifest?.lookup(item.relative) ?? manifest?.lookup(item.path) ?? {};
  const metadata: RecordMetadataPatch = {
    ...(options.fonds ? { fonds: options.fonds } : {}),
    ...(options.category ? { category: options.category } : {}),
    ...(options.level ? { level: options.level } : {}),
    ...(options.retention ? { retention: options.retention as 'Y' | 'D30' | 'D10' } : {}),
    ...(options.org ? { organisation: options.org } : {}),
    ...fromManifest,
  };
  try {
    const outcome = await ingestFile(services.ingestDeps, services.local, {
      // One read(2) per MiB instead of per 64 KiB (the default): fewer calls and buffers per file.
      source: createReadStream(item.path, { highWaterMark: 1024 * 1024 }),
      originalName: item.relative,
      metadata,
      file: options.file,
      view: 'brief',
    });
    if (outcome.status === 'duplicate') {
      return {
        path: item.path,
        status: 'duplicate' as const,
        recordId: outcome.existing.id,
        archiveNo: outcome.existing.archiveNo,
        error: null,
      };
    }
    return {
      path: item.path,
      status: 'created' as const,
      recordId: outcome.recordId,
      archiveNo: outcome.archiveNo,
      error: outcome.filingError ?? null,
    };
  } catch (error) {
    const code = isAppError(error) ? error.code : 'internal';
    const message = isAppError(error) ? error.zh : (error as Error).message;
    return {
      path: item.path,
      status: 'failed' as const,
      recordId: null,
      archiveNo: null,
      error: { code, message },
    };
  }
}

/** Regular files under a path; symbolic links are not followed, so a link loop cannot trap us. */
async function collect(root: string, path: string, into: Item[]): Promise<void> {
  let stat;
  try {
    stat = await lstat(path);
  } catch {
    throw pathNotFound({ path });
  }
  if (stat.isFile()) {
    into.push({ path, relative: root === path ? path : relative(root, path), size: stat.size });
  } else if (stat.isDirectory()) {
    const entries = (await readdir(path)).sort();
    for (const entry of entries) await collect(root, join(path, entry), into);
  }
}
