/** Reading, correcting, filing and downloading records. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { createErrorFactory } from '../../app/errors.ts';
import { asHolderReader } from '../keys/holder-vault.ts';
import { watermarkFromRank as watermarkRankOf, watermarkPurposeInvalid } from '../watermark/watermark.ts';
import { recordMetadataPatchSchema } from './records.models.ts';
import { recordViewSchema } from './records.schemas.ts';
import {
  fileRecord,
  getRecord,
  listRecords,
  openComponent,
  recordHistory,
  updateRecord,
} from './records.usecases.ts';

export const rangeNotSatisfiable = createErrorFactory({
  code: 'request.range_not_satisfiable',
  status: 416,
  zh: '请求的字节范围无效。',
  en: 'The requested byte range cannot be served.',
});

const idParams = z.object({ id: z.string().min(1).max(200).describe('档案 id 或档号') });

export function recordsRoutes(services: Services): FastifyPluginAsync {
  const { db, blobs } = services;
  const watermarkFromRank = watermarkRankOf(services.config);
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/records',
      {
        schema: {
          tags: ['records'],
          summary: '档案列表（只含当前用户有权查看的档案，总数亦然）',
          querystring: z.object({
            status: z.enum(['draft', 'filed']).optional(),
            fonds: z.string().optional(),
            category: z.string().optional(),
            organisation: z.string().optional(),
            year: z.coerce.number().int().optional(),
            level: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(500).optional(),
          }),
          response: {
            200: z.object({
              total: z.number(),
              byStatus: z
                .object({ draft: z.number(), filed: z.number() })
                .describe('其中待归档与已归档的件数（同样的筛选条件，只含可见档案）'),
              items: z.array(recordViewSchema),
              nextCursor: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return listRecords(db, request.actor, filter, { limit, cursor });
      },
    );
    api.get(
      '/records/:id',
      {
        schema: {
          tags: ['records'],
          summary: '档案详情（含文件）',
          params: idParams,
          response: { 200: recordViewSchema },
        },
      },
      async (request) => getRecord(db, request.actor, request.params.id),
    );
    api.get(
      '/records/:id/events',
      {
        schema: {
          tags: ['records'],
          summary: '档案的事件记录（版本、归档、查看、下载），最新在前；只对有权查看该档案的用户开放',
          params: idParams,
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  at: z.string(),
                  actor: z.string().describe('操作者，如 user:zhangsan'),
                  action: z.string().describe('如 record.create、record.update、record.file、record.view'),
                  outcome: z.string(),
                  details: z.record(z.string(), z.unknown()),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({
        items: await recordHistory(db, request.actor, request.params.id, request.query.limit),
      }),
    );
    api.patch(
      '/records/:id',
      {
        schema: {
          tags: ['records'],
          summary: '修改著录项；已归档档案的档号组成项不可修改',
          params: idParams,
          headers: z.object({
            'if-match': z
              .string()
              .regex(/^"?\d+"?$/)
              .optional(),
          }),
          body: recordMetadataPatchSchema,
          response: { 200: recordViewSchema },
        },
      },
      async (request) => {
        const ifMatch = request.headers['if-match'];
        const version = ifMatch ? Number(ifMatch.replace(/"/g, '')) : undefined;
        return updateRecord(db, request.actor, request.params.id, request.body, version);
      },
    );
    api.post(
      '/records/:id/file',
      {
        schema: {
          tags: ['records'],
          summary: '归档：分配档号',
          params: idParams,
          response: { 200: recordViewSchema },
        },
      },
      async (request) => fileRecord(db, request.actor, request.params.id),
    );
    api.get(
      '/records/:id/components/:componentId/content',
      {
        schema: {
          tags: ['records'],
          summary: '下载文件（支持 HTTP Range 断点续传）；componentId 可用 original 表示原件',
          params: idParams.extend({ componentId: z.string() }),
        },
      },
      async (request, reply) => {
        const header = request.headers.range;
        let range: { start: number; end: number } | undefined;
        let size: number | undefined;
        if (header) {
          // Learn the size first; the range is checked against it before any byte is read.
          const probe = await getRecord(db, request.actor, request.params.id);
          const target = probe.components?.find(
            (c) =>
              c.id === request.params.componentId ||
              (request.params.componentId === 'original' && c.role === 'original'),
          );
          size = target?.size;
          if (size !== undefined) range = parseRange(header, size);
        }
        // Holder-protected content opens only with the reader's own unlocked holder key (keys module).
        const { component, stream, watermarked } = await asHolderReader(request.actor, () =>
          openComponent(db, blobs, request.actor, request.params.id, request.params.componentId, range, {
            watermarkFromRank,
            purpose: purposeOf(request.query),
          }),
        );
        if (watermarked) {
          // A marked copy differs from the stored file: no range, no checksum of the original, no caching.
          return reply
            .header('content-type', component.mediaType)
            .header('x-dangan-watermarked', 'true')
            .header('cache-control', 'no-store')
            .header(
              'content-disposition',
              `attachment; filename*=UTF-8''${encodeURIComponent(component.fileName)}`,
            )
            .header('x-content-type-options', 'nosniff')
            .header('content-length', watermarked.size)
            .send(stream);
        }
        reply
          .header('content-type', component.mediaType)
          .header('accept-ranges', 'bytes')
          .header('etag', `"${component.sha256}"`)
          .header('x-content-sha256', component.sha256)
          .header('x-content-sm3', component.sm3)
          .header(
            'content-disposition',
            `attachment; filename*=UTF-8''${encodeURIComponent(component.fileName)}`,
          )
          .header('x-content-type-options', 'nosniff');
        if (range) {
          reply
            .status(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${component.size}`)
            .header('content-length', range.end - range.start + 1);
        } else {
          reply.header('content-length', component.size);
        }
        return reply.send(stream);
      },
    );
  };
}

const purposeSchema = z.string().trim().min(1).max(100).optional();

/**
 * The optional ?purpose= of a download (查阅用途), printed in the watermark and kept in the audit entry.
 * Read by hand rather than declared in the route schema, so that the web client's generated API
 * types stay as they are until the web side regenerates them.
 */
function purposeOf(query: unknown): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.['purpose'];
  const parsed = purposeSchema.safeParse(raw);
  if (!parsed.success) throw watermarkPurposeInvalid();
  return parsed.data;
}

/** One range of RFC 9110 §14.1.2: "bytes=a-b", "bytes=a-" or "bytes=-n". Several ranges are not offered. */
export function parseRange(header: string, size: number): { start: number; end: number } {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '') || size === 0) throw rangeNotSatisfiable();
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) throw rangeNotSatisfiable();
  return { start, end };
}
