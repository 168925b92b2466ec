/** show, file and export: reading records back. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { recordEvent } from '../modules/events/events.ts';
import { createErrorFactory } from '../app/errors.ts';
import type { Services } from '../app/services.ts';
import { safeFileName } from '../modules/records/records.models.ts';
import { findLevel } from '../modules/reference/reference.repository.ts';
import { canWatermark, checkPurpose, watermarkFromRank } from '../modules/watermark/watermark.ts';
import {
  fileRecord,
  getRecord,
  openComponent,
  type RecordView,
} from '../modules/records/records.usecases.ts';
import { action, withServices } from './context.ts';
import { formatBytes, printJson } from './output.ts';

export const exportDigestMismatch = createErrorFactory({
  code: 'export.digest_mismatch',
  status: 500,
  zh: '导出的文件 {file} 校验值不符，已删除。',
  en: 'The exported file {file} did not match its digest and was removed.',
});

const LABELS: [keyof RecordView, string][] = [
  ['archiveNo', '档号'],
  ['status', '状态'],
  ['title', '题名'],
  ['responsible', '责任者'],
  ['docNumber', '文号'],
  ['formedOn', '形成日期'],
  ['year', '年度'],
  ['pageCount', '页数'],
  ['level', '密级'],
  ['retention', '保管期限'],
  ['organisationName', '机构（问题）'],
  ['fonds', '全宗号'],
  ['categoryName', '门类'],
  ['keywords', '关键词'],
  ['notes', '附注'],
  ['id', 'ID'],
  ['createdAt', '接收时间'],
  ['filedAt', '归档时间'],
];

function printRecord(record: RecordView): void {
  const lines = LABELS.filter(
    ([key]) =>
      record[key] !== null &&
      record[key] !== undefined &&
      !(Array.isArray(record[key]) && record[key].length === 0),
  ).map(
    ([key, label]) =>
      `${label.padEnd(8, '　')} ${Array.isArray(record[key]) ? (record[key] as string[]).join('；') : String(record[key] as string)}`,
  );
  for (const [name, value] of Object.entries(record.extra))
    lines.push(`${name.padEnd(8, '　')} ${String(value)}`);
  lines.push('文件：');
  for (const c of record.components ?? []) {
    lines.push(`  [${c.role}] ${c.fileName}  ${c.format}  ${formatBytes(c.size)}  sha256:${c.sha256}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerArchiveCommands(program: Command): void {
  program
    .command('show <idOrArchiveNo>')
    .description('显示档案 / show a record')
    .option('--json')
    .action(
      action(async (id: string, options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const record = await getRecord(services.db, services.local, id);
          if (options.json) printJson(record);
          else printRecord(record);
        }),
      ),
    );

  program
    .command('file <idOrArchiveNo...>')
    .description('归档并分配档号 / file drafts and assign archive numbers')
    .option('--json')
    .action(
      action(async (ids: string[], options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          for (const id of ids) {
            const record = await fileRecord(services.db, services.local, id);
            if (options.json) printJson(record);
            else process.stdout.write(`已归档 ${record.title} → ${record.archiveNo}\n`);
          }
        }),
      ),
    );

  program
    .command('export <idOrArchiveNo...>')
    .description('导出原件（逐字节一致）与著录 JSON / export originals byte for byte with their metadata')
    .requiredOption('--out <dir>', '输出文件夹 / output folder')
    .option('--all-components', '同时导出派生文件 / include derived files')
    .option(
      '--purpose <text>',
      '查阅用途，印在水印上并记入审计（1–100 字）/ purpose, printed in the watermark and audited',
    )
    .action(
      action(
        async (
          ids: string[],
          options: { out: string; allComponents?: boolean; purpose?: string },
          command: Command,
        ) =>
          withServices(command, async (services) => {
            const purpose = checkPurpose(options.purpose);
            for (const id of ids) {
              const dir = await exportRecord(
                services,
                id,
                options.out,
                options.allComponents ?? false,
                purpose,
              );
              process.stdout.write(`已导出 ${id} → ${dir}\n`);
            }
          }),
      ),
    );
}

/**
 * Writes a record's files into <out>/<archive number or id>/ under safe names, each checked against
 * its SHA-256 as it is written, plus metadata.json. Files appear only once complete (temp + rename).
 *
 * The watermark policy of HTTP downloads applies (security.watermarkFromLevel): at or above that
 * level every file is a copy marked with the operator's account (cli:<name>), the time, the 档号 and
 * the purpose, recorded with the copy's SHA-256 in the audit trail and in metadata.json; a type that
 * cannot carry a visible mark is refused (and audited) before anything is written.
 */
export async function exportRecord(
  services: Services,
  id: string,
  out: string,
  allComponents: boolean,
  purpose?: string,
): Promise<string> {
  const record = await getRecord(services.db, services.local, id);
  const fromRank = watermarkFromRank(services.config);
  const marked = fromRank !== undefined && (await findLevel(services.db, record.level)).rank >= fromRank;
  const download = { watermarkFromRank: fromRank, purpose };
  const chosen = (record.components ?? []).filter((c) => allComponents || c.role === 'original');
  const unmarkable = marked ? chosen.find((c) => !canWatermark(c.mediaType)) : undefined;
  // openComponent refuses it and audits the refusal, as a download would be.
  if (unmarkable)
    await openComponent(
      services.db,
      services.blobs,
      services.local,
      record.id,
      unmarkable.id,
      undefined,
      download,
    );
  const dir = join(out, safeFileName(record.archiveNo ?? record.id));
  await mkdir(dir, { recursive: true });
  const used = new Set<string>(['metadata.json']);
  const files: {
    componentId: string;
    role: string;
    file: string;
    sha256: string;
    size: number;
    watermarked?: { originalSha256: string };
  }[] = [];
  for (const component of chosen) {
    let name = safeFileName(component.fileName, `${component.role}.${component.format}`);
    for (let n = 2; used.has(name); n++) name = `${n}-${safeFileName(component.fileName)}`;
    used.add(name);
    const target = join(dir, name);
    const temp = `${target}.partial`;
    const { stream, watermarked } = await openComponent(
      services.db,
      services.blobs,
      services.local,
      record.id,
      component.id,
      undefined,
      download,
    );
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(stream, tap, createWriteStream(temp));
    const written = hash.digest('hex');
    // A marked copy differs from the original by design: its own digest is recorded instead.
    if (!watermarked && written !== component.sha256) {
      await rm(temp, { force: true });
      throw exportDigestMismatch({ file: name });
    }
    await rename(temp, target);
    files.push({
      componentId: component.id,
      role: component.role,
      file: name,
      sha256: written,
      size: watermarked?.size ?? component.size,
      ...(watermarked ? { watermarked: { originalSha256: component.sha256 } } : {}),
    });
  }
  await writeFile(
    join(dir, 'metadata.json'),
    `${JSON.stringify({ record, files, exportedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  // The export as a whole is one audit entry beside the downloads of its files: where the copy went.
  await recordEvent(services.db, services.local, 'record.export', {
    recordId: record.id,
    out: dir,
    files: files.length,
    ...(marked ? { watermarked: true } : {}),
    ...(purpose ? { purpose } : {}),
  });
  return dir;
}
