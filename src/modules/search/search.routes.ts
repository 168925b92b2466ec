/** GET /search: one search box over the records the caller may open. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { authorize } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { FACETS } from './search.port.ts';
import { relatedRecords } from './related.usecases.ts';
import { searchRecords, similarRecords } from './search.usecases.ts';

const filterValue = z.string().max(200).optional();

export const searchQuerySchema = z.strictObject({
  q: z
    .string()
    .max(20_000)
    .describe(
      '查询：档号、文号、关键词、拼音或短语（引号）；-词 或 NOT 词 排除；年份优先该年，年月或日期优先该月、该日',
    ),
  fonds: filterValue.describe('全宗号'),
  category: filterValue.describe('门类代码'),
  organisation: filterValue.describe('机构代码（含下级）'),
  year: filterValue.describe('年度，或范围 2019-2024'),
  yearFrom: filterValue,
  yearTo: filterValue,
  level: filterValue.describe('密级代码'),
  retention: filterValue.describe('保管期限代码'),
  matterType: filterValue.describe('事项类型'),
  status: filterValue.describe('draft 或 filed'),
  sort: z.enum(['relevance', 'date']).default('relevance'),
  facets: z
    .enum(['true', 'false'])
    .default('true')
    .describe(
      'false：只要本页结果（更快）：不计分面，总数只数到本页（totalExact 为 false 时更多）；按日期排序时不影响',
    ),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(500).default(0),
});

const facetSchema = z.array(z.object({ value: z.string(), label: z.string().optional(), count: z.number() }));

const relatedRecordSchema = z.object({
  id: z.string(),
  archiveNo: z.string().nullable(),
  title: z.string(),
  formedOn: z.string().nullable(),
  links: z.array(z.string()).describe('project / enterprise / applicant / case'),
  linkNames: z.array(z.string()),
  direction: z.enum(['upstream', 'downstream', 'same-step']).nullable(),
  step: z.string().nullable(),
});

export const searchResultSchema = z.object({
  total: z.number().describe('命中总数（按相关度最高的 500 条计数，超出时 totalExact 为 false）'),
  totalExact: z.boolean(),
  hits: z.array(
    z.object({
      id: z.string(),
      archiveNo: z.string().nullable(),
      title: z.string(),
      score: z.number(),
      exact: z.boolean(),
      snippet: z.string().describe('HTML 转义的摘要，命中处以 <mark> 标出'),
      related: z
        .object({
          chain: z.string(),
          steps: z.array(z.string()),
          step: z.string().nullable(),
          records: z.array(relatedRecordSchema),
        })
        .optional()
        .describe('第一页首条命中处于审批链时：链上同一项目的上下游档案'),
    }),
  ),
  facets: z.object(
    Object.fromEntries(FACETS.map((f) => [f, facetSchema])) as Record<
      (typeof FACETS)[number],
      typeof facetSchema
    >,
  ),
});

const relatedSchema = z.object({
  record: z.object({
    id: z.string(),
    archiveNo: z.string().nullable(),
    title: z.string(),
    chain: z.string().nullable(),
    step: z.string().nullable(),
  }),
  chain: z.object({ name: z.string(), steps: z.array(z.string()) }).nullable(),
  related: z.array(relatedRecordSchema),
});

export function searchRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/search',
      {
        schema: {
          tags: ['search'],
          summary: '检索档案（结果、总数与分面只含当前用户有权查看的档案）',
          querystring: searchQuerySchema,
          response: { 200: searchResultSchema },
        },
      },
      async (request) => {
        const { q, sort, limit, offset, facets, ...filters } = request.query;
        return searchRecords(services.searchDeps, request.actor, {
          q,
          sort,
          limit,
          offset,
          filters,
          facets: facets === 'true',
        });
      },
    );
    const rebuildSchema = z.object({
      running: z.boolean(),
      startedAt: z.string().nullable(),
      records: z.number().describe('重建中已读入的档案数'),
      last: z
        .object({
          finishedAt: z.string(),
          records: z.number(),
          ms: z.number(),
          replayed: z.number().describe('重建期间变更、重建后补入的档案数'),
          error: z.string().nullable(),
        })
        .nullable(),
    });
    api.post(
      '/search/rebuild',
      {
        schema: {
          tags: ['search'],
          summary: '由数据库重建检索索引（后台进行，期间检索照常；一次只进行一个）',
          response: { 202: rebuildSchema },
        },
      },
      async (request, reply) => {
        authorize(request.actor, 'system.manage');
        const status = await services.searchRebuilder.start();
        await recordEvent(services.db, request.actor, 'search.rebuild');
        return reply.code(202).send(status);
      },
    );
    api.get(
      '/search/rebuild',
      {
        schema: {
          tags: ['search'],
          summary: '检索索引重建的进度与上次结果',
          response: { 200: rebuildSchema },
        },
      },
      async (request) => {
        authorize(request.actor, 'system.read');
        return services.searchRebuilder.status();
      },
    );
    api.get(
      '/records/:id/similar',
      {
        schema: {
          tags: ['search'],
          summary: '相似档案（"更多类似"），只含当前用户有权查看的档案',
          params: z.object({ id: z.string().min(1).max(200).describe('档案 id 或档号') }),
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
          response: { 200: searchResultSchema },
        },
      },
      async (request) =>
        similarRecords(services.searchDeps, request.actor, request.params.id, request.query.limit),
    );
    api.get(
      '/records/:id/related',
      {
        schema: {
          tags: ['search'],
          summary: '关联档案：同一项目、企业、申请人或办件，并按审批链标出上下游（只含有权查看的档案）',
          params: z.object({ id: z.string().min(1).max(200).describe('档案 id 或档号') }),
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: relatedSchema },
        },
      },
      async (request) =>
        relatedRecords(
          { db: services.db, dataDir: services.config.dataDir },
          request.actor,
          request.params.id,
          request.query.limit,
        ),
    );
  };
}
