/** GET /api/v1/audit: the auditor's search and export of the audit trail. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppError } from '../../app/errors.ts';
import type { Services } from '../../app/services.ts';
import type { Database } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { exportAudit, searchAudit, toAuditFilter } from './audit.usecases.ts';

const entrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  recordId: z.string().nullable(),
  outcome: z.string(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ledgerSeq: z.string().nullable(),
});

const filters = {
  actor: z.string().max(200).optional().describe('操作人，如 user:zhangsan；结尾 * 为前缀匹配'),
  action: z.string().max(200).optional().describe('操作，如 record.view；record.* 为前缀匹配'),
  outcome: z.string().max(20).optional().describe('ok | denied | failed'),
  record: z.string().max(200).optional().describe('档案 id'),
  ip: z.string().max(200).optional(),
  from: z.string().max(40).optional().describe('起始时间（含），ISO 8601'),
  to: z.string().max(40).optional().describe('截止时间（不含），ISO 8601'),
  q: z.string().max(200).optional().describe('在详情中查找的文字'),
};

export function auditRoutes(services: Services): FastifyPluginAsync {
  const { db } = services;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/audit',
      {
        schema: {
          tags: ['audit'],
          summary:
            '审计日志查询与导出（安全审计员）：format=csv 或 jsonl 时导出全部匹配条目 / search or export the audit trail',
          querystring: z.object({
            ...filters,
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            cursor: z.string().max(20).optional(),
            format: z.enum(['json', 'csv', 'jsonl']).default('json'),
          }),
          response: { 200: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request, reply) => {
        const { limit, cursor, format, ...input } = request.query;
        if (format === 'json') return searchAudit(db, request.actor, input, { limit, cursor });
        authorize(request.actor, 'audit.export');
        toAuditFilter(input);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-${stamp}.${format}"`)
          .send(Readable.from(exportAudit(db, request.actor, input, format)) as never);
      },
    );
  };
}

/**
 * Records a refused request in the audit trail (and so in the ledger): who, which route, from
 * where, and the error code. Sign-in failures are recorded by the sign-in itself.
 */
export function denialRecorder(db: Database) {
  return async (request: FastifyRequest, error: AppError): Promise<void> => {
    const status = error.status;
    const actor = request.actor as Actor | null;
    // A request without any credential is noise (scanners); one with a forged, expired or revoked
    // credential is an attempt worth recording.
    const presented = request.headers.authorization !== undefined || request.headers.cookie !== undefined;
    const refused = (status === 401 && presented) || status === 403 || status === 423 || status === 429;
    const probing = status === 404 && actor !== null && error.code !== 'request.not_found';
    if (!refused && !probing) return;
    const route = request.routeOptions.url ?? null;
    if (route === '/api/v1/auth/login' && error.code.startsWith('auth.')) return;
    const who: Actor = actor ?? {
      kind: 'user',
      userId: null,
      label: 'anonymous',
      roles: [],
      clearanceRank: -1,
      organisationPath: '/',
    };
    try {
      await recordEvent(db, { ...who, ip: request.ip }, 'access.denied', {
        outcome: 'denied',
        code: error.code,
        method: request.method,
        route,
        path: request.url.split('?')[0]!.slice(0, 300),
        params: request.params,
      });
    } catch (cause) {
      request.log.warn({ err: cause }, 'could not record a refused request');
    }
  };
}
