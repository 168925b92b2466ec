/**
 * Holder protection over HTTP. The CA, certificates and holders are the security officer's
 * (key.manage); /keys/me is every signed-in user's own key (never anyone else's).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { Services } from '../../app/services.ts';
import { HOLDER_ALGORITHMS } from './holder-crypto.ts';
import { MAX_UNLOCK_MINUTES } from './holder-vault.ts';
import {
  createMyKey,
  lockMyKeys,
  myKeys,
  shareWraps,
  unlockMyKeys,
  type SelfDeps,
} from './holder-self.usecases.ts';
import {
  grantHolder,
  importCert,
  initSystemCa,
  listCas,
  listCerts,
  listHolders,
  revokeCert,
  revokeHolder,
  trustCa,
} from './holders.usecases.ts';

const caSchema = z.object({
  id: z.string(),
  kind: z.enum(['system', 'trusted']),
  subject: z.string(),
  fingerprint: z.string(),
  state: z.string(),
  createdAt: z.string(),
  pem: z.string(),
});

const certSchema = z.object({
  id: z.string(),
  username: z.string(),
  algorithm: z.string(),
  origin: z.enum(['issued', 'imported']),
  sealedKey: z.boolean().describe('私钥是否以持有人口令密封保存在服务器 / private key sealed on the server'),
  serial: z.string(),
  subject: z.string(),
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  state: z.enum(['active', 'revoked']),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  pem: z.string(),
});

const revokeSchema = z.object({ wrapsRemoved: z.number().int(), orphaned: z.number().int() });

const holderSchema = z.object({
  level: z.string(),
  username: z.string(),
  grantedBy: z.string(),
  grantedAt: z.string(),
  activeCerts: z.number().int(),
});

const pem = z.string().min(20).max(20_000);
const username = z.string().min(1).max(100);
const level = z.string().min(1).max(64);

export function holdersDeps(services: Services): SelfDeps {
  return {
    db: services.db,
    keyring: services.keyring,
    holderFromLevel: services.config.encryption.holderFromLevel,
  };
}

export function registerHolderRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = holdersDeps(services);
  const tags = ['keys'];

  api.get(
    '/keys/ca',
    {
      schema: {
        tags,
        summary: '证书颁发机构（系统 CA 与受信任的外部 CA） / certificate authorities',
        response: { 200: z.array(caSchema) },
      },
    },
    async (request) => listCas(deps, request.actor),
  );
  api.post(
    '/keys/ca',
    {
      schema: {
        tags,
        summary: '建立系统 CA（私钥经密钥库密封） / create the system CA',
        body: z
          .object({ name: z.string().min(3).max(200).optional() })
          .strict()
          .optional(),
        response: { 200: caSchema },
      },
    },
    async (request) => initSystemCa(deps, request.actor, request.body?.name),
  );
  api.post(
    '/keys/ca/trusted',
    {
      schema: {
        tags,
        summary: '导入受信任的外部 CA 根证书 / import a trusted external CA',
        body: z.object({ pem }).strict(),
        response: { 200: caSchema },
      },
    },
    async (request) => trustCa(deps, request.actor, request.body.pem),
  );
  api.get(
    '/keys/certs',
    { schema: { tags, summary: '持有人证书 / holder certificates', response: { 200: z.array(certSchema) } } },
    async (request) => listCerts(deps, request.actor),
  );
  api.post(
    '/keys/certs/import',
    {
      schema: {
        tags,
        summary: '导入外部签发的持有人证书（校验证书链、有效期、密钥用途） / import a holder certificate',
        body: z.object({ username, pem }).strict(),
        response: { 200: certSchema },
      },
    },
    async (request) => importCert(deps, request.actor, request.body.username, request.body.pem),
  );
  api.post(
    '/keys/certs/:id/revoke',
    {
      schema: {
        tags,
        summary: '吊销证书，删除其全部封装 / revoke a certificate and delete its wraps',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z
          .object({ reason: z.string().max(500).optional(), force: z.boolean().optional() })
          .strict()
          .optional(),
        response: { 200: certSchema.extend(revokeSchema.shape) },
      },
    },
    async (request) => revokeCert(deps, request.actor, request.params.id, request.body ?? {}),
  );
  api.get(
    '/keys/holders',
    {
      schema: {
        tags,
        summary: '各密级的授权持有人 / holders by level',
        response: { 200: z.array(holderSchema) },
      },
    },
    async (request) => listHolders(deps, request.actor),
  );
  api.post(
    '/keys/holders',
    {
      schema: {
        tags,
        summary: '授权持有人 / make a user a holder of a level',
        body: z.object({ username, level }).strict(),
        response: { 200: holderSchema },
      },
    },
    async (request) => grantHolder(deps, request.actor, request.body.username, request.body.level),
  );
  api.post(
    '/keys/holders/revoke',
    {
      schema: {
        tags,
        summary: '撤销持有人，删除其在该密级的全部封装 / revoke a holder',
        body: z.object({ username, level, force: z.boolean().optional() }).strict(),
        response: { 200: revokeSchema },
      },
    },
    async (request) =>
      revokeHolder(deps, request.actor, request.body.username, request.body.level, {
        force: request.body.force,
      }),
  );

  // ---- the signed-in user's own key --------------------------------------------------------------
  api.get(
    '/keys/me',
    {
      schema: {
        tags,
        summary: '我的持有人密钥与证书 / my holder keys',
        response: {
          200: z.object({
            certs: z.array(certSchema),
            levels: z.array(z.string()),
            unlocked: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => myKeys(deps, request.actor),
  );
  api.post(
    '/keys/me',
    {
      schema: {
        tags,
        summary: '生成我的密钥对并由系统 CA 签发证书，或仅提交公钥 / create my key and certificate',
        body: z
          .object({
            algorithm: z.enum(HOLDER_ALGORITHMS).optional(),
            passphrase: z.string().max(1000).optional(),
            publicKeyPem: pem.optional(),
          })
          .strict(),
        response: { 200: certSchema },
      },
    },
    async (request) => createMyKey(deps, request.actor, request.body),
  );
  api.post(
    '/keys/me/unlock',
    {
      schema: {
        tags,
        summary: '解锁我的持有人密钥（仅保存在内存中，限时） / unlock my holder keys for a while',
        body: z
          .object({
            passphrase: z.string().max(1000).optional(),
            privateKeyPem: pem.optional(),
            minutes: z.number().int().min(1).max(MAX_UNLOCK_MINUTES).optional(),
          })
          .strict(),
        response: { 200: z.object({ unlocked: z.array(z.string()), expiresAt: z.string() }) },
      },
    },
    async (request) => unlockMyKeys(deps, request.actor, request.body),
  );
  api.post(
    '/keys/me/lock',
    {
      schema: {
        tags,
        summary: '锁定我的持有人密钥 / lock my holder keys',
        response: { 200: z.object({ locked: z.boolean() }) },
      },
    },
    async (request) => lockMyKeys(deps, request.actor),
  );
  api.post(
    '/keys/me/share',
    {
      schema: {
        tags,
        summary: '为同密级尚无封装的其他持有人补发封装 / share my content with holders who lack a wrap',
        response: { 200: z.object({ wrapsAdded: z.number().int() }) },
      },
    },
    async (request) => shareWraps(deps, request.actor),
  );
}
