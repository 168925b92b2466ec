/** Classification over HTTP: the review queue, a record's suggestions, review, retraining and rollback. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { FIELD_NAMES } from '../extract/extract.types.ts';
import {
  getSuggestions,
  listReviewQueue,
  modelVersions,
  requestRetrain,
  reviewSuggestion,
  rollbackTo,
} from './classify.usecases.ts';

const labelScore = z.object({ label: z.string(), confidence: z.number() });
const fieldSchema = z.object({
  field: z.enum(FIELD_NAMES).describe('字段：文号、题名、责任者、成文日期、信用代码…'),
  value: z.string().describe('规范化的值（身份证号已脱敏）'),
  start: z.number().int().describe('在文本中的起始位置（UTF-16）'),
  end: z.number().int(),
  confidence: z.number(),
  valid: z.boolean().describe('校验位、日期等检查是否通过'),
  raw: z.string().optional(),
});
const suggestionSchema = z.object({
  recordId: z.string(),
  title: z.string(),
  archiveNo: z.string().nullable(),
  status: z.enum(['review', 'accepted', 'confirmed', 'corrected', 'fields_only']),
  label: z.string().nullable().describe('建议的分类（类目路径）'),
  classId: z.string().nullable(),
  confidence: z.number().nullable().describe('校准后的置信度 0–1'),
  top: z.array(labelScore).describe('备选分类'),
  year: z.number().int().nullable(),
  organisationId: z.string().nullable(),
  retentionCode: z.string().nullable().describe('建议保管期限'),
  modelVersion: z.number().int().nullable(),
  fields: z.array(fieldSchema),
  createdAt: z.string(),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
});
const versionSchema = z.object({
  version: z.number().int(),
  active: z.boolean(),
  labels: z.array(z.string()),
  trainingSize: z.number().int(),
  eval: z.object({ size: z.number(), accuracy: z.number(), macroF1: z.number() }).nullable(),
  bytes: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const recordParams = z.object({ id: z.uuid().describe('档案 id') });

export function classifyRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const { db } = services;

    api.get(
      '/classify/review',
      {
        schema: {
          tags: ['classify'],
          summary: '待复核的分类建议（低于置信度阈值）/ the review queue',
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
          response: { 200: z.object({ total: z.number().int(), items: z.array(suggestionSchema) }) },
        },
      },
      async (request) => listReviewQueue(db, request.actor, request.query),
    );

    api.get(
      '/records/:id/suggestions',
      {
        schema: {
          tags: ['classify', 'records'],
          summary: '档案的著录建议与分类建议 / extracted fields and classification of a record',
          params: recordParams,
          response: { 200: suggestionSchema },
        },
      },
      async (request) => getSuggestions(db, request.actor, request.params.id),
    );

    api.post(
      '/records/:id/suggestions/review',
      {
        schema: {
          tags: ['classify', 'records'],
          summary:
            '确认或更正分类（记为训练样本）/ confirm or correct the class (kept as a training example)',
          params: recordParams,
          body: z.object({
            label: z.string().min(1).max(100).optional().describe('更正后的分类；省略则确认建议'),
          }),
          response: { 200: suggestionSchema },
        },
      },
      async (request) => reviewSuggestion(db, request.actor, request.params.id, request.body),
    );

    api.post(
      '/classify/train',
      {
        schema: {
          tags: ['classify'],
          summary: '用档案库重新训练分类模型（后台任务）/ retrain from the archive in the background',
          response: { 202: z.object({ jobId: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await requestRetrain(db, request.actor);
        services.workers?.notify();
        return reply.status(202).send(result);
      },
    );

    api.get(
      '/classify/models',
      {
        schema: {
          tags: ['classify'],
          summary: '分类模型版本及其评估指标 / model versions with their evaluation figures',
          response: { 200: z.array(versionSchema) },
        },
      },
      async (request) => modelVersions(db, request.actor),
    );

    api.post(
      '/classify/models/:version/activate',
      {
        schema: {
          tags: ['classify'],
          summary: '启用某一模型版本（回滚）/ make a version active (rollback)',
          params: z.object({ version: z.coerce.number().int().min(1) }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await rollbackTo(db, request.actor, request.params.version);
        return reply.status(204).send(null);
      },
    );
  };
}
