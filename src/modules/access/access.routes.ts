/** Roles, clearances, organisation shares and sessions: the administration of access. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { publicUserSchema } from '../users/users.routes.ts';
import { grantedActions, ROLE_NAMES, ROLES, DUTY_ROLES } from './access.policy.ts';
import {
  grantShare,
  listSessions,
  listShares,
  revokeSessions,
  revokeShare,
  setClearance,
  setDisabled,
  setOrganisation,
  setRoles,
} from './access.usecases.ts';

const username = z.object({ username: z.string().min(1).max(64) });

const shareSchema = z.object({
  id: z.string(),
  username: z.string(),
  organisationId: z.string(),
  organisationCode: z.string(),
  organisationName: z.string(),
  reason: z.string().nullable(),
  grantedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const sessionSchema = z.object({
  id: z.string(),
  kind: z.enum(['session', 'token']),
  name: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  current: z.boolean(),
});

export function accessRoutes(services: Services): FastifyPluginAsync {
  const { db } = services;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/access/roles',
      {
        schema: {
          tags: ['access'],
          summary: '角色及其权限（三员分立：系统管理员、安全保密管理员、安全审计员各自独立）',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  role: z.enum(ROLES),
                  zh: z.string(),
                  en: z.string(),
                  duty: z.boolean(),
                  actions: z.array(z.string()),
                }),
              ),
            }),
          },
        },
      },
      async () => ({
        items: ROLES.map((role) => ({
          role,
          ...ROLE_NAMES[role],
          duty: DUTY_ROLES.includes(role),
          actions: grantedActions([role]),
        })),
      }),
    );
    api.put(
      '/users/:username/roles',
      {
        schema: {
          tags: ['access'],
          summary: '设置用户角色（系统管理员；三员角色不得与其他角色兼任）',
          params: username,
          body: z.object({ roles: z.array(z.string().max(32)).min(1).max(6) }),
          response: { 200: publicUserSchema },
        },
      },
      async (request) => setRoles(db, request.actor, request.params.username, request.body.roles),
    );
    api.put(
      '/users/:username/clearance',
      {
        schema: {
          tags: ['access'],
          summary: '设置用户可查阅的最高密级（安全保密管理员）',
          params: username,
          body: z.object({ clearance: z.string().min(1).max(32) }),
          response: { 200: publicUserSchema },
        },
      },
      async (request) => setClearance(db, request.actor, request.params.username, request.body.clearance),
    );
    api.put(
      '/users/:username/organisation',
      {
        schema: {
          tags: ['access'],
          summary: '调整用户所属机构，即其本机构查阅范围（系统管理员）',
          params: username,
          body: z.object({ organisation: z.string().min(1).max(64) }),
          response: { 200: publicUserSchema },
        },
      },
      async (request) =>
        setOrganisation(db, request.actor, request.params.username, request.body.organisation),
    );
    api.put(
      '/users/:username/disabled',
      {
        schema: {
          tags: ['access'],
          summary: '停用或启用账户；停用立即注销其全部会话和令牌（系统管理员）',
          params: username,
          body: z.object({ disabled: z.boolean() }),
          response: { 200: publicUserSchema },
        },
      },
      async (request) => setDisabled(db, request.actor, request.params.username, request.body.disabled),
    );
    api.get(
      '/shares',
      {
        schema: {
          tags: ['access'],
          summary: '跨机构授权列表（安全保密管理员、系统管理员可查看）',
          querystring: z.object({
            username: z.string().max(64).optional(),
            history: z.enum(['true', 'false']).optional(),
          }),
          response: { 200: z.object({ items: z.array(shareSchema) }) },
        },
      },
      async (request) => ({
        items: await listShares(db, request.actor, {
          username: request.query.username,
          history: request.query.history === 'true',
        }),
      }),
    );
    api.post(
      '/shares',
      {
        schema: {
          tags: ['access'],
          summary: '将某机构（含下级）的档案授权给用户查阅，仍受其密级限制（安全保密管理员）',
          body: z.object({
            username: z.string().min(1).max(64),
            organisation: z.string().min(1).max(64),
            days: z.number().int().min(1).max(3650).optional(),
            reason: z.string().max(500).optional(),
          }),
          response: { 201: shareSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await grantShare(db, request.actor, request.body)),
    );
    api.delete(
      '/shares/:id',
      {
        schema: {
          tags: ['access'],
          summary: '撤销跨机构授权（安全保密管理员）',
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await revokeShare(db, request.actor, request.params.id);
        return reply.status(204).send(null);
      },
    );
    api.get(
      '/auth/sessions',
      {
        config: { allowPasswordChange: true },
        schema: {
          tags: ['auth'],
          summary: '本人在用的会话和 API 令牌',
          response: { 200: z.object({ items: z.array(sessionSchema) }) },
        },
      },
      async (request) => ({
        items: await listSessions(db, request.actor, null, {
          currentId: request.credentialId,
          idleMinutes: services.config.security.sessionIdleMinutes,
        }),
      }),
    );
    api.delete(
      '/auth/sessions/:id',
      {
        config: { allowPasswordChange: true },
        schema: {
          tags: ['auth'],
          summary: '注销本人的一个会话或令牌（id 为 all 时注销全部）',
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: z.object({ revoked: z.number() }) },
        },
      },
      async (request) => ({ revoked: await revokeSessions(db, request.actor, null, request.params.id) }),
    );
    api.get(
      '/users/:username/sessions',
      {
        schema: {
          tags: ['access'],
          summary: '某用户在用的会话和令牌（系统管理员、安全保密管理员）',
          params: username,
          response: { 200: z.object({ items: z.array(sessionSchema) }) },
        },
      },
      async (request) => ({
        items: await listSessions(db, request.actor, request.params.username, {
          idleMinutes: services.config.security.sessionIdleMinutes,
        }),
      }),
    );
    api.delete(
      '/users/:username/sessions/:id',
      {
        schema: {
          tags: ['access'],
          summary: '注销某用户的一个会话或令牌，id 为 all 时全部注销（系统管理员、安全保密管理员）',
          params: username.extend({ id: z.string().min(1).max(64) }),
          response: { 200: z.object({ revoked: z.number() }) },
        },
      },
      async (request) => ({
        revoked: await revokeSessions(db, request.actor, request.params.username, request.params.id),
      }),
    );
  };
}
