/** Upload: POST /api/v1/records, multipart, streamed into the store without buffering the file. */
import { readRecordView } from '../records/records.usecases.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { recordMetadataPatchSchema } from '../records/records.models.ts';
import { metadataError } from '../records/records.models.ts';
import { recordViewSchema } from '../records/records.schemas.ts';
import { uploadMissingFile, uploadTooLarge, uploadTruncated } from './ingest.errors.ts';
import { ingestFile } from './ingest.usecases.ts';
import { isAppError } from '../../app/errors.ts';
import { requestInvalid } from '../../app/http.ts';

export function ingestRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.post(
      '/records',
      {
        schema: {
          tags: ['records'],
          summary:
            '上传文件并建立档案（multipart：可选字段 metadata 为 JSON 著录项，须在 file 之前；file 为文件）',
          description:
            '类型由内容判定（PDF、OFD、TIFF、JPEG、PNG、DOCX、XLSX、TXT、MD）。同一文件已存在时返回 200 与 status=duplicate。查询参数 file=true 时立即归档。',
          querystring: z.object({ file: z.enum(['true', 'false']).optional() }),
          consumes: ['multipart/form-data'],
          response: {
            201: z.object({
              status: z.literal('created'),
              recordId: z.uuid(),
              archiveNo: z.string().nullable(),
              record: recordViewSchema,
              nameMismatch: z.boolean(),
              filingError: z.object({ code: z.string(), message: z.string() }).optional(),
            }),
            200: z.object({
              status: z.literal('duplicate'),
              existing: z.object({ id: z.string(), archiveNo: z.string().nullable(), title: z.string() }),
            }),
          },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw uploadMissingFile();
        const part = await request.file();
        if (!part) throw uploadMissingFile();
        let metadata = {};
        const field = part.fields.metadata;
        if (field && !Array.isArray(field) && field.type === 'field') {
          let raw: unknown;
          try {
            raw = JSON.parse(String(field.value));
          } catch {
            throw requestInvalid({ field: 'metadata', reason: '不是合法 JSON / not valid JSON' });
          }
          const parsed = recordMetadataPatchSchema.safeParse(raw);
          if (!parsed.success) throw metadataError(parsed.error);
          metadata = parsed.data;
        }
        // Past its size guard the multipart parser stops passing the file on and reads the rest of
        // the body as fast as it comes, to discard it: a client would upload all of an oversized
        // file before hearing 413. Stop reading the request there; the blob store refuses the file
        // from the bytes it already has, and the error handler closes the connection.
        part.file.once('limit', () => {
          request.raw.unpipe();
          request.raw.pause();
        });
        const abort = new AbortController();
        request.raw.once('close', () => {
          if (!request.raw.complete) abort.abort();
        });
        let outcome;
        try {
          outcome = await ingestFile(services.ingestDeps, request.actor, {
            source: part.file,
            originalName: part.filename,
            metadata,
            file: request.query.file === 'true',
            signal: abort.signal,
          });
        } catch (error) {
          if (isAppError(error)) throw error;
          const code = (error as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE')
            throw uploadTooLarge({ limit: services.config.ingest.maxFileBytes });
          if (
            abort.signal.aborted ||
            part.file.truncated ||
            /unexpected end|aborted|premature/i.test((error as Error).message)
          )
            throw uploadTruncated();
          throw error;
        }
        if (outcome.status === 'duplicate') return reply.status(200).send(outcome);
        const record = outcome.record ?? (await readRecordView(services.db, request.actor, outcome.recordId));
        return reply.status(201).send({ ...outcome, record });
      },
    );
  };
}
