/** Health, readiness and the system status the administrators read. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../modules/access/access.policy.ts';
import { countVisibleRecords } from '../modules/records/records.repository.ts';
import { jobCounts } from '../modules/jobs/jobs.queue.ts';
import { join } from 'node:path';
import { dirSize } from '../modules/search/search.files.ts';
import type { Services } from './services.ts';

export function systemRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/healthz',
      {
        config: { public: true },
        schema: {
          tags: ['system'],
          summary: '进程存活',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    api.get(
      '/readyz',
      {
        config: { public: true },
        schema: {
          tags: ['system'],
          summary: '可以提供服务（数据库可用）',
          response: {
            200: z.object({ status: z.literal('ready') }),
            503: z.object({ status: z.literal('unavailable') }),
          },
        },
      },
      async (_request, reply) => {
        try {
          await services.db.query('SELECT 1');
          return { status: 'ready' as const };
        } catch {
          return reply.status(503).send({ status: 'unavailable' as const });
        }
      },
    );
    api.get(
      '/api/v1/system/status',
      {
        schema: {
          tags: ['system'],
          summary: '系统状态：数据库、存储卷、任务队列',
          response: {
            200: z.object({
              database: z.enum(['pglite', 'postgres']),
              volumes: z.array(z.string()),
              blobs: z.object({ count: z.number(), bytes: z.number(), storedBytes: z.number() }),
              records: z.object({ draft: z.number(), filed: z.number() }),
              jobs: z
                .record(z.string(), z.number())
                .describe(
                  '后台任务数：queued 排队、running 运行中、failed 失败、doneLastDay 24 小时内完成（为 0 的不列出）',
                ),
              search: z
                .object({
                  pending: z.number().describe('等待写入检索索引的档案数（变更队列）'),
                  indexBytes: z.number().describe('检索索引文件夹的大小'),
                  oldestPendingSeconds: z.number().nullable().describe('最早一项待同步任务已等待的秒数'),
                })
                .describe('检索索引健康状况'),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'system.read');
        const { db } = services;
        const blobs = await db.query<{ n: number; bytes: string; stored: string }>(
          // Kept as blobs come and go (migration 0017): summing the blobs took 0.5 s at 3M.
          'SELECT coalesce(sum(blobs), 0)::int AS n, coalesce(sum(bytes), 0)::text AS bytes, coalesce(sum(stored_bytes), 0)::text AS stored FROM blob_totals',
        );
        // Counts only what the caller may see: a count is information too.
        const records = await countVisibleRecords(db, request.actor);
        return {
          database: db.kind,
          volumes: [...services.blobs.replicas],
          blobs: {
            count: blobs.rows[0]!.n,
            bytes: Number(blobs.rows[0]!.bytes),
            storedBytes: Number(blobs.rows[0]!.stored),
          },
          records,
          jobs: await jobCounts(db),
          search: await searchHealth(services),
        };
      },
    );
  };
}

/** How far the search index lags the database: the outbox size and the age of its oldest sync job. */
async function searchHealth(services: Services) {
  const { rows } = await services.db.query<{ pending: number; age: number | null }>(
    `SELECT (SELECT count(*)::int FROM search_pending) AS pending,
            (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM jobs
              WHERE kind = 'search_sync' AND state IN ('queued', 'running')) AS age`,
  );
  return {
    pending: rows[0]?.pending ?? 0,
    indexBytes: await dirSize(join(services.config.dataDir, 'search')),
    oldestPendingSeconds:
      rows[0]?.age === null || rows[0]?.age === undefined ? null : Math.round(rows[0].age),
  };
}
