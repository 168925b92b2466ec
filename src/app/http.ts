/**
 * HTTP plumbing shared by every route module: who is asking (session cookie or bearer token), the
 * reply language, and one error handler that turns every failure into
 * `{ error: { code, message, details? } }` without leaking internals.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DatabaseError, type Database } from '../db/database.port.ts';
import type { Actor } from '../modules/access/access.policy.ts';
import { authenticate, requirePasswordChanged } from '../modules/users/sessions.usecases.ts';
import type { UserRow } from '../modules/users/users.usecases.ts';
import { unauthenticated } from '../modules/users/users.errors.ts';
import type { AppError } from './errors.ts';
import { createErrorFactory, internalError, isAppError, type Locale } from './errors.ts';

export const SESSION_COOKIE = 'dangan_session';
/** readable by the page's script, which echoes it in the X-CSRF-Token header (double submit) */
export const CSRF_COOKIE = 'dangan_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a cookie session: an HMAC of the session secret, so that the server needs to
 * store nothing and a token is good for its own session only. Another site can make the browser
 * send the cookie but cannot read the token (SameSite=Strict and the same-origin policy).
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('dangan-csrf-v1').digest('base64url');
}

export const csrfRefused = createErrorFactory({
  code: 'auth.csrf',
  status: 403,
  zh: '缺少或错误的 CSRF 令牌：使用会话 Cookie 的写操作须带 X-CSRF-Token 请求头。',
  en: 'Missing or wrong CSRF token: a state-changing request with a session cookie needs the X-CSRF-Token header.',
});

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    user: UserRow | undefined;
    /** the session or token the request came with */
    credentialId: string | undefined;
  }
  interface FastifyContextConfig {
    /** reachable without signing in (health checks, sign-in itself, the API description) */
    public?: boolean;
    /** reachable while the password must still be changed */
    allowPasswordChange?: boolean;
  }
}

export const requestInvalid = createErrorFactory({
  code: 'request.invalid',
  status: 400,
  zh: '请求参数 {field} 无效：{reason}',
  en: 'Request parameter {field} is invalid: {reason}',
});
export const routeNotFound = createErrorFactory({
  code: 'request.not_found',
  status: 404,
  zh: '没有这个接口：{method} {url}',
  en: 'No such endpoint: {method} {url}',
});
export const rateLimited = createErrorFactory({
  code: 'request.rate_limited',
  status: 429,
  zh: '请求过于频繁，请 {seconds} 秒后再试。',
  en: 'Too many requests; try again in {seconds} s.',
});
export const payloadTooLarge = createErrorFactory({
  code: 'request.too_large',
  status: 413,
  zh: '请求体过大。',
  en: 'The request body is too large.',
});

export function localeOf(request: FastifyRequest): Locale {
  const header = request.headers['accept-language'] ?? '';
  return /^en\b/i.test(header) ? 'en' : 'zh';
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Every route is authenticated unless its config says public; authorisation happens in the use cases. */
export function installAuth(
  app: FastifyInstance,
  db: Database,
  security: { sessionIdleMinutes: number },
): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('user', undefined);
  app.decorateRequest('credentialId', undefined);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public) return;
    // An unknown path outside the API is the web UI's (client-side route or missing file).
    if (request.is404 && !request.url.startsWith('/api/')) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const secret = bearer ?? readCookie(request, SESSION_COOKIE);
    if (!secret) throw unauthenticated();
    const { actor, user, credentialKind, credentialId } = await authenticate(db, secret, request.ip, {
      idleMinutes: security.sessionIdleMinutes,
    });
    request.actor = actor;
    request.user = user;
    request.credentialId = credentialId;
    // An API token is for machine clients in the Authorization header, never a browser cookie.
    if (credentialKind === 'token' && !bearer) throw unauthenticated();
    // Cookie sessions are for the browser: a state-changing request must come from our own pages
    // and carry the session's CSRF token (OWASP: signed double-submit, plus Origin check).
    if (!bearer && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const origin = request.headers.origin;
      if (origin !== undefined && safeHost(origin) !== request.headers.host) throw csrfRefused();
      const sent = request.headers[CSRF_HEADER];
      const expected = Buffer.from(csrfTokenFor(secret));
      if (
        typeof sent !== 'string' ||
        Buffer.byteLength(sent) !== expected.length ||
        !timingSafeEqual(Buffer.from(sent), expected)
      )
        throw csrfRefused();
    }
    if (!config.allowPasswordChange) requirePasswordChanged(user);
  });
}

/** The first NUL character in a request value, as a dotted field name, or null. */
function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (depth > 20 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = key.includes('\0') ? path : nulField(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL text cannot hold NUL (U+0000): a value carrying one would fail deep in a query. Refuse
 * it at the door, naming the field, before any route sees it.
 */
export function installInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field =
      nulField(request.params, 'params') ??
      nulField(request.query, 'querystring') ??
      nulField(request.body, 'body');
    if (field) throw requestInvalid({ field, reason: '不能包含 NUL 字符 / must not contain NUL characters' });
  });
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

type AuditRefusal = (request: FastifyRequest, error: AppError) => Promise<void>;

export function installErrorHandler(app: FastifyInstance, audit?: AuditRefusal): void {
  app.setErrorHandler((raw: FastifyError | AppError | Error, request, reply) => {
    return sendError(request, reply, toAppError(raw, request), audit);
  });
}

/**
 * Unknown paths: `fallback` may answer them (the web UI's client-side routes); otherwise, and always
 * under /api, a JSON `request.not_found`.
 */
export function installNotFound(
  app: FastifyInstance,
  fallback: (request: FastifyRequest, reply: FastifyReply) => boolean = () => false,
  audit?: AuditRefusal,
): void {
  app.setNotFoundHandler((request, reply) => {
    if (fallback(request, reply)) return;
    const error = routeNotFound({ method: request.method, url: request.url.split('?')[0] });
    void sendError(request, reply, error, audit);
  });
}

function toAppError(raw: unknown, request: FastifyRequest): AppError {
  if (isAppError(raw)) return raw;
  if (hasZodFastifySchemaValidationErrors(raw)) {
    const issue = raw.validation[0]!;
    const field = `${raw.validationContext ?? ''}${issue.instancePath.replace(/\//g, '.')}`;
    return requestInvalid({ field, reason: issue.message ?? '' });
  }
  // Text PostgreSQL cannot store (NUL in a multipart field, say) is bad input, not a server fault.
  if (raw instanceof DatabaseError && (raw.sqlState === '22021' || raw.sqlState === '22P05'))
    return requestInvalid({
      field: 'body',
      reason: '含有无法存储的字符 / contains characters that cannot be stored',
    });
  const error = raw as FastifyError;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) return payloadTooLarge();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return requestInvalid({ field: error.code ?? 'body', reason: error.message });
  }
  request.log.error({ err: raw }, 'unexpected error');
  return internalError();
}

async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  audit?: (request: FastifyRequest, error: AppError) => Promise<void>,
): Promise<void> {
  if (error.status >= 500) request.log.error({ err: error.cause ?? error, code: error.code }, error.en);
  // A request whose body was not read to the end (too large, cut off, refused before the upload was
  // taken in) leaves its connection in an unknown state: close it instead of waiting for the rest.
  if (!request.raw.complete) {
    void reply.header('connection', 'close');
    // Stop taking in the rest of the body now, before the audit entry is written: whatever still
    // reads the request (a multipart parser discarding the file) would otherwise drain it at
    // loopback speed while the answer waits. The client then sees its writes block and gets the
    // answer.
    request.raw.unpipe();
    request.raw.pause();
    // Close the connection once the answer is out, instead of draining it.
    const socket = request.raw.socket as { destroy?: () => void } | null;
    reply.raw.once('finish', () => setTimeout(() => socket?.destroy?.(), 50).unref());
  }
  if (audit) await audit(request, error);
  const locale = localeOf(request);
  await reply
    .status(error.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({
      error: {
        code: error.code,
        message: locale === 'en' ? error.en : error.zh,
        ...(error.details ? { details: safeDetails(error.details) } : {}),
      },
    });
}

function safeDetails(details: Record<string, unknown>): Record<string, unknown> {
  // Details are meant for the client; drop anything that is not plain data.
  return JSON.parse(
    JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
  ) as Record<string, unknown>;
}
