/** Key management over HTTP (action key.manage): status, rotation, crypto-shredding of a record. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { registerHolderRoutes } from './holders.routes.ts';
import { keyStatus, rotateKeys, shredRecord, type KeysDeps } from './keys.usecases.ts';

const statusSchema = z.object({
  sealing: z.boolean().describe('新存文件是否加密 / whether new files are encrypted'),
  cipher: z.string(),
  store: z.string().describe('密钥库 file 或 pkcs11'),
  levels: z.array(
    z.object({
      level: z.string(),
      version: z.number().int(),
      state: z.enum(['active', 'retired', 'destroyed']),
      store: z.string(),
      keyRef: z.string(),
      createdAt: z.string(),
      dataKeys: z.number().int(),
    }),
  ),
  blobs: z.object({ sealed: z.number().int(), destroyed: z.number().int(), clear: z.number().int() }),
  holderLevels: z
    .array(
      z.object({
        level: z.string(),
        holders: z.number().int().describe('有有效证书的持有人数；0 表示新内容仅受 KEK 保护 / 0: KEK only'),
        protectedBlobs: z.number().int(),
        blobsMissingWraps: z
          .number()
          .int()
          .describe('尚缺某持有人封装的文件数 / blobs a holder lacks a wrap for'),
      }),
    )
    .describe('持有人保护的密级 / holder-protected levels'),
});

const rotationSchema = z.array(
  z.object({
    level: z.string(),
    fromVersion: z.number().int().nullable(),
    toVersion: z.number().int(),
    rewrapped: z.number().int(),
    destroyedKeys: z.array(z.string()),
  }),
);

const shredSchema = z.object({
  recordId: z.string(),
  destroyed: z.array(z.string()),
  shared: z.array(z.string()),
  removedClear: z.array(z.string()),
});

export function keysDeps(services: Services): KeysDeps {
  return {
    db: services.db,
    keyring: services.keyring,
    blobs: services.blobs,
    sealing: services.config.encryption.enabled,
  };
}

export function keysRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const deps = keysDeps(services);
    api.get(
      '/keys',
      {
        schema: {
          tags: ['keys'],
          summary: '密钥状态：各密级的密钥加密密钥版本与数据密钥数 / key status by secrecy level',
          response: { 200: statusSchema },
        },
      },
      async (request) => keyStatus(deps, request.actor),
    );
    api.post(
      '/keys/rotate',
      {
        schema: {
          tags: ['keys'],
          summary: '轮换密钥加密密钥并重新封装数据密钥（不重新加密文件） / rotate KEKs, rewrap data keys',
          body: z
            .object({ level: z.string().min(1).max(64).optional() })
            .strict()
            .optional(),
          response: { 200: rotationSchema },
        },
      },
      async (request) => rotateKeys(deps, request.actor, request.body?.level),
    );
    api.post(
      '/keys/shred',
      {
        schema: {
          tags: ['keys'],
          summary: '密码学销毁：销毁档案内容的数据密钥，内容永久不可恢复 / crypto-shred a record',
          body: z.object({ record: z.string().min(1).max(200).describe('档案 id 或档号') }).strict(),
          response: { 200: shredSchema },
        },
      },
      async (request) => shredRecord(deps, request.actor, request.body.record),
    );
    registerHolderRoutes(app, services);
  };
}
