/** Sign-in, sessions, API tokens and account management. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor, readCookie } from '../../app/http.ts';
import type { Services } from '../../app/services.ts';
import { grantedActions, ROLES } from '../access/access.policy.ts';
import { findOrganisation } from '../reference/reference.repository.ts';
import { createTotpSecrets } from './totp-seal.ts';
import { changePassword, disableTotp, enableTotp, setUpTotp } from './account.usecases.ts';
import { createToken, login, logout } from './sessions.usecases.ts';
import { createUser, listUsers, publicUser, resetPassword } from './users.usecases.ts';

export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  organisationId: z.string(),
  roles: z.array(z.enum(ROLES)),
  clearance: z.string(),
  mustChangePassword: z.boolean(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export function usersRoutes(services: Services): FastifyPluginAsync {
  const { db, config } = services;
  const totpSecrets = createTotpSecrets(services.keyring.store);
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.post(
      '/auth/login',
      {
        config: {
          public: true,
          // Per address, on top of the per-account lockout: password spraying across accounts.
          rateLimit: { max: config.security.loginRateLimitPerMinute, timeWindow: 60_000 },
        },
        schema: {
          tags: ['auth'],
          summary:
            '登录：成功后设置会话 Cookie（HttpOnly）与 CSRF Cookie，并返回会话令牌；启用动态口令的账户须带 otp',
          body: z.object({
            username: z.string().min(1).max(64),
            password: z.string().min(1).max(1024),
            otp: z.string().max(16).optional().describe('验证器中的 6 位动态口令（RFC 6238）'),
          }),
          response: {
            200: z.object({
              token: z.string(),
              csrfToken: z.string(),
              expiresAt: z.string(),
              user: publicUserSchema,
            }),
          },
        },
      },
      async (request, reply) => {
        const { secret, user, expiresAt } = await login(
          db,
          {
            ...request.body,
            ip: request.ip,
            userAgent: request.headers['user-agent'],
            sessionHours: config.server.sessionHours,
            maxFailedLogins: config.security.maxFailedLogins,
            lockMinutes: config.security.lockMinutes,
          },
          totpSecrets,
        );
        const csrfToken = csrfTokenFor(secret);
        const maxAge = Math.floor(config.server.sessionHours * 3600);
        const secure = request.protocol === 'https' ? '; Secure' : '';
        reply.header('set-cookie', [
          `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`,
          `${CSRF_COOKIE}=${csrfToken}; Path=/; SameSite=Strict; Max-Age=${maxAge}${secure}`,
        ]);
        return { token: secret, csrfToken, expiresAt: expiresAt.toISOString(), user };
      },
    );
    api.post(
      '/auth/logout',
      {
        config: { allowPasswordChange: true },
        schema: { tags: ['auth'], summary: '退出登录（注销当前会话）', response: { 204: z.null() } },
      },
      async (request, reply) => {
        const secret =
          /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ??
          readCookie(request, SESSION_COOKIE);
        if (secret) await logout(db, request.actor, secret);
        reply.header('set-cookie', [
          `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
          `${CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0`,
        ]);
        return reply.status(204).send(null);
      },
    );
    api.post(
      '/auth/totp/setup',
      {
        schema: {
          tags: ['auth'],
          summary: '设置动态口令（第二因素）：须输入密码，返回密钥与 otpauth:// 地址（供验证器扫码）',
          body: z.object({ password: z.string().min(1).max(1024) }),
          response: { 200: z.object({ secret: z.string(), uri: z.string() }) },
        },
      },
      async (request) =>
        setUpTotp(
          db,
          request.actor,
          { password: request.body.password, issuer: config.security.totpIssuer },
          totpSecrets,
        ),
    );
    api.post(
      '/auth/totp/enable',
      {
        schema: {
          tags: ['auth'],
          summary: '以验证器中的第一个动态口令确认并启用第二因素',
          body: z.object({ code: z.string().min(1).max(16) }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await enableTotp(db, request.actor, request.body.code, totpSecrets);
        return reply.status(204).send(null);
      },
    );
    api.post(
      '/auth/totp/disable',
      {
        schema: {
          tags: ['auth'],
          summary: '停用第二因素（须密码与当前动态口令）',
          body: z.object({ password: z.string().min(1).max(1024), code: z.string().min(1).max(16) }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await disableTotp(db, request.actor, request.body, totpSecrets);
        return reply.status(204).send(null);
      },
    );
    api.get(
      '/auth/me',
      {
        config: { allowPasswordChange: true },
        schema: {
          tags: ['auth'],
          summary: '当前用户',
          response: {
            200: publicUserSchema.extend({
              organisationName: z.string(),
              actions: z.array(z.string()).describe('本人角色授予的操作，供界面决定显示哪些功能'),
              csrfToken: z
                .string()
                .optional()
                .describe('使用会话 Cookie 时，写操作须在 X-CSRF-Token 头中带上它'),
            }),
          },
        },
      },
      async (request) => {
        const org = await findOrganisation(db, request.user!.organisation_id);
        const bearer = /^Bearer\s/i.test(request.headers.authorization ?? '');
        const cookie = bearer ? undefined : readCookie(request, SESSION_COOKIE);
        return {
          ...publicUser(request.user!),
          organisationName: org.name,
          actions: grantedActions(request.user!.roles),
          ...(cookie ? { csrfToken: csrfTokenFor(cookie) } : {}),
        };
      },
    );
    api.post(
      '/auth/password',
      {
        config: { allowPasswordChange: true },
        schema: {
          tags: ['auth'],
          summary: '修改密码（首次登录必须修改一次性密码）',
          body: z.object({
            currentPassword: z.string().min(1).max(1024),
            newPassword: z.string().min(1).max(1024),
          }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await changePassword(db, request.actor, request.body, request.credentialId);
        return reply.status(204).send(null);
      },
    );
    api.post(
      '/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: '为机器客户端创建 API 令牌（只显示一次）',
          body: z.object({
            name: z.string().min(1).max(100),
            days: z.number().int().min(1).max(3650).optional(),
          }),
          response: {
            201: z.object({ id: z.string(), token: z.string(), expiresAt: z.string().nullable() }),
          },
        },
      },
      async (request, reply) => {
        const { id, secret, expiresAt } = await createToken(db, request.actor, request.body);
        return reply.status(201).send({ id, token: secret, expiresAt: expiresAt?.toISOString() ?? null });
      },
    );
    api.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: '用户列表',
          response: { 200: z.object({ items: z.array(publicUserSchema) }) },
        },
      },
      async (request) => ({ items: await listUsers(db, request.actor) }),
    );
    api.post(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: '新建用户：返回一次性密码，首次登录须修改',
          body: z.object({
            username: z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/),
            displayName: z.string().min(1).max(100).optional(),
            organisation: z.string().min(1),
            roles: z.array(z.enum(ROLES)).min(1),
            clearance: z.string().min(1),
          }),
          response: { 201: z.object({ user: publicUserSchema, oneTimePassword: z.string() }) },
        },
      },
      async (request, reply) => {
        const org = await findOrganisation(db, request.body.organisation);
        const result = await createUser(db, request.actor, { ...request.body, organisationId: org.id });
        return reply.status(201).send(result);
      },
    );
    api.post(
      '/users/:username/reset-password',
      {
        schema: {
          tags: ['users'],
          summary: '重置密码：返回新的一次性密码，并注销该用户的全部会话',
          params: z.object({ username: z.string() }),
          response: { 200: z.object({ oneTimePassword: z.string() }) },
        },
      },
      async (request) => ({
        oneTimePassword: await resetPassword(db, request.actor, request.params.username),
      }),
    );
  };
}
