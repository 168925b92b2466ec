/**
 * The record's metadata (DA/T 46-2009 core elements) as one schema: it validates API bodies,
 * manifest rows and updates, and gives the OpenAPI document. Pure, no I/O.
 */
import { z } from 'zod';
import type { ExtraField } from '../reference/reference.repository.ts';
import { metadataInvalid } from './records.errors.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const recordMetadataSchema = z
  .object({
    title: text(1000).describe('题名'),
    responsible: text(500).describe('责任者').optional(),
    docNumber: text(200).describe('文号，如 呼审批发〔2024〕17号').optional(),
    formedOn: z.iso.date().describe('形成日期 YYYY-MM-DD').optional(),
    year: z.number().int().min(1000).max(9999).describe('年度（缺省取形成日期的年份）').optional(),
    pageCount: z.number().int().min(0).max(1_000_000).describe('页数').optional(),
    level: text(32).describe('密级代码，如 public / internal / sensitive').optional(),
    retention: z
      .enum(['Y', 'D30', 'D10'])
      .describe('保管期限：Y 永久、D30 定期30年、D10 定期10年')
      .optional(),
    organisation: text(64).describe('机构（问题）：代码或 id').optional(),
    keywords: z.array(text(100)).max(50).describe('关键词').optional(),
    notes: z.string().max(5000).describe('附注').optional(),
    fonds: text(64).describe('全宗号或 id').optional(),
    category: text(64).describe('门类代码（WS、JJ、KJ、ZP、SP …）或 id').optional(),
    class: text(64).describe('分类方案中的类目代码或 id').optional(),
    extra: z
      .record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
      .describe('门类的扩展著录项')
      .optional(),
  })
  .strict();

export type RecordMetadata = z.infer<typeof recordMetadataSchema>;

/** Partial metadata, as given at ingest (the title defaults to the file name) or in an update. */
export const recordMetadataPatchSchema = recordMetadataSchema.partial();
export type RecordMetadataPatch = z.infer<typeof recordMetadataPatchSchema>;

/** Checks free extra fields against the category's declared fields, naming the first bad one. */
export function checkExtraFields(
  extra: Record<string, unknown> | undefined,
  fields: readonly ExtraField[],
): void {
  for (const [name, value] of Object.entries(extra ?? {})) {
    const field = fields.find((f) => f.name === name);
    if (!field)
      throw metadataInvalid({
        field: `extra.${name}`,
        reason: '该门类没有此著录项 / not a field of this category',
      });
    if (value === null) continue;
    const ok =
      field.type === 'date'
        ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        : typeof value === field.type;
    if (!ok)
      throw metadataInvalid({ field: `extra.${name}`, reason: `应为 ${field.type} / must be ${field.type}` });
  }
  for (const field of fields) {
    if (field.required && (extra?.[field.name] ?? null) === null) {
      throw metadataInvalid({ field: `extra.${field.name}`, reason: '必填 / required' });
    }
  }
}

/** Turns a zod failure into our error naming the field. */
export function metadataError(error: z.ZodError, prefix = ''): Error {
  const issue = error.issues[0]!;
  const field = `${prefix}${issue.path.join('.')}` || '(root)';
  const reason =
    issue.code === 'unrecognized_keys'
      ? `未知著录项 / unknown field ${issue.keys.join(', ')}`
      : issue.message;
  return metadataInvalid({
    field: issue.code === 'unrecognized_keys' ? `${prefix}${issue.keys[0]}` : field,
    reason,
  });
}

/** 年度: the explicit year, else the year the document was formed (DA/T 22-2015 §6.2). */
export function recordYear(
  year: number | null | undefined,
  formedOn: string | null | undefined,
): number | null {
  if (year) return year;
  if (formedOn) return Number(formedOn.slice(0, 4));
  return null;
}

/** A file name made safe to write on any filesystem; the original stays in the metadata. */
export function safeFileName(name: string, fallback = 'file'): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_')
    .replace(/^\.+/, '_')
    .trim();
  const chars = [...(cleaned || fallback)];
  // Keep the extension and stay within 200 bytes, below every filesystem's name limit.
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  let stem = chars.slice(0, chars.length - [...ext].length).join('');
  while (Buffer.byteLength(stem + ext) > 200) stem = [...stem].slice(0, -1).join('');
  const result = stem + ext;
  return /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(result) ? `_${result}` : result;
}
