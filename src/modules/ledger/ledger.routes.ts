/** The ledger over HTTP: the latest signed checkpoint, and a record's proof bundle. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { recordProofBundle } from './ledger.proof.ts';
import { PROOF_FORMAT } from './ledger.usecases.ts';

const checkpointSchema = z.object({
  treeSize: z.number().int(),
  rootHash: z.string().describe('根哈希（十六进制）'),
  hashAlgorithm: z.enum(['sha256', 'sm3']),
  time: z.string(),
  keyId: z.string(),
  keyAlgorithm: z.enum(['ed25519', 'sm2']),
  publicKey: z.string().describe('签名公钥（SPKI PEM）'),
  body: z.string().describe('被签名的检查点原文 / the exact signed text'),
  signature: z.string().describe('Ed25519 或 SM2（SM3，DER）签名（base64）'),
});

const bundleSchema = z.object({
  format: z.literal(PROOF_FORMAT),
  hashAlgorithm: z.enum(['sha256', 'sm3']),
  record: z.object({ id: z.string(), archiveNo: z.string().nullable() }),
  checkpoint: checkpointSchema,
  entries: z.array(
    z.object({
      seq: z.number().int(),
      entry: z.string().describe('规范化条目字节（base64）'),
      proof: z.array(z.string()).describe('RFC 9162 包含证明（十六进制哈希）'),
    }),
  ),
  createdAt: z.string(),
});

export function ledgerRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    // Any signed-in user may read the checkpoint: it holds no archive content, and it is meant to be
    // published so that the public can hold the bureau to it.
    api.get(
      '/ledger/checkpoint',
      {
        schema: {
          tags: ['ledger'],
          summary: '账本最新的已签名检查点 / latest signed checkpoint of the ledger',
          response: { 200: checkpointSchema },
        },
      },
      async () => services.ledger.latestCheckpoint(),
    );
    api.get(
      '/records/:id/proof',
      {
        schema: {
          tags: ['ledger', 'records'],
          summary: '档案的证明包：其事件、包含证明、签名检查点与公钥（可离线验证）',
          params: z.object({ id: z.string().min(1).max(200).describe('档案 id 或档号') }),
          response: { 200: bundleSchema },
        },
      },
      async (request) => recordProofBundle(services, request.actor, request.params.id),
    );
  };
}
