/**
 * The search dictionaries over HTTP: synonyms (同义词) and approval chains (审批链). Everyone who may
 * read reference data may read them; administrators and archivists (reference.manage) replace them.
 * Each replacement is validated, written atomically and audited.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { authorize } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import {
  approvalChainSchema,
  MAX_SYNONYMS_BYTES,
  readApprovalChains,
  readSynonyms,
  writeApprovalChains,
  writeSynonyms,
} from './search.files.ts';

const versionSchema = z
  .string()
  .regex(/^([0-9a-f]{64})?$/)
  .describe('文件内容的 SHA-256；空串表示尚无本单位文件');
const baseSchema = versionSchema
  .optional()
  .describe('编辑所依据的版本（读取时的 version）；文件已被他人修改时返回 409');

// A chain as sent by the editor; the stricter checks (lengths, duplicates) answer 422 with the line.
const chainInput = z.object({
  name: z.string(),
  steps: z.array(z.object({ name: z.string(), match: z.array(z.string()) })),
});

export function dictionariesRoutes(services: Services): FastifyPluginAsync {
  const { db } = services;
  const dataDir = services.config.dataDir;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/search/dictionaries/synonyms',
      {
        schema: {
          tags: ['search'],
          summary: '同义词词典：本单位增补的同义词（每行一组）与内置词典',
          response: { 200: z.object({ own: z.string(), builtin: z.string(), version: versionSchema }) },
        },
      },
      async (request) => {
        authorize(request.actor, 'reference.read');
        return readSynonyms(dataDir);
      },
    );
    api.put(
      '/search/dictionaries/synonyms',
      {
        schema: {
          tags: ['search'],
          summary: '替换本单位的同义词词典（每行一组，组内以空格或逗号分隔，# 后为注释）；下一次检索即生效',
          body: z.strictObject({
            text: z.string().max(MAX_SYNONYMS_BYTES),
            base: baseSchema,
          }),
          response: { 200: z.object({ groups: z.number(), version: versionSchema }) },
        },
      },
      async (request) => {
        authorize(request.actor, 'reference.manage');
        const result = await writeSynonyms(dataDir, request.body.text, request.body.base);
        await recordEvent(db, request.actor, 'search.synonyms_update', result);
        return result;
      },
    );
    api.get(
      '/search/dictionaries/chains',
      {
        schema: {
          tags: ['search'],
          summary: '审批链：本单位的审批链（同名覆盖内置链）与内置审批链',
          response: {
            200: z.object({
              own: z.array(approvalChainSchema),
              builtin: z.array(approvalChainSchema),
              version: versionSchema,
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'reference.read');
        return readApprovalChains(dataDir);
      },
    );
    api.put(
      '/search/dictionaries/chains',
      {
        schema: {
          tags: ['search'],
          summary: '替换本单位的审批链（每条链至少两步，每步至少一个匹配词）；关联检索即时采用',
          body: z.strictObject({ chains: z.array(chainInput).max(1000), base: baseSchema }),
          response: { 200: z.object({ chains: z.number(), version: versionSchema }) },
        },
      },
      async (request) => {
        authorize(request.actor, 'reference.manage');
        const result = await writeApprovalChains(dataDir, request.body.chains, request.body.base);
        await recordEvent(db, request.actor, 'search.chains_update', result);
        return result;
      },
    );
  };
}
