/**
 * Test set-up through the real parts: a migrated PGlite database in a temp folder (started from a
 * template, so it is quick), real blob volumes on disk, the real app served in-process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/app/config.ts';
import { createLogger } from '../src/app/logger.ts';
import { createApp } from '../src/app/server.ts';
import { buildServices, type Services } from '../src/app/services.ts';
import { createPostgresTestDatabase, createTestDatabase } from '../src/db/testing.ts';

export interface TestContext {
  services: Services;
  app: FastifyInstance;
  config: Config;
  dir: string;
  /** the first administrator's one-time password */
  adminPassword: string;
  close(): Promise<void>;
}

/**
 * The database behind the test context: PGlite by default; a new database on the PostgreSQL server
 * of TEST_DATABASE_URL when DANGAN_TEST_BACKEND=postgres (the *.int.test.ts files set it).
 */
export function testBackend(): 'pglite' | 'postgres' {
  return process.env['DANGAN_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'pglite';
}

export async function createTestContext(
  flags: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<TestContext> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-test-'));
  const config = loadConfig({ flags: { data: dir, logLevel: 'silent', ...flags }, env });
  const db = testBackend() === 'postgres' ? await createPostgresTestDatabase() : await createTestDatabase();
  const services = await buildServices(config, createLogger('silent'), { db });
  const app = await createApp(services);
  await app.ready();
  return {
    services,
    app,
    config,
    dir,
    adminPassword: services.firstStart.firstAdmin!.oneTimePassword,
    async close() {
      await app.close();
      await services.close();
      await db[Symbol.asyncDispose]();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in and, for a one-time password, changes it; returns the Authorization header. */
export async function signIn(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<{ authorization: string; password: string }> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const body = login.json<{ token: string; user: { mustChangePassword: boolean } }>();
  const authorization = `Bearer ${body.token}`;
  if (!body.user.mustChangePassword) return { authorization, password };
  const newPassword = `${password}-Neu-密码-2024`;
  const change = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: { authorization },
    payload: { currentPassword: password, newPassword },
  });
  if (change.statusCode !== 204) throw new Error(`password change failed: ${change.body}`);
  return { authorization, password: newPassword };
}

/** Creates a user as the administrator and signs them in. */
export async function createSignedInUser(
  ctx: TestContext,
  admin: string,
  user: { username: string; roles: string[]; clearance?: string; organisation?: string },
): Promise<string> {
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: admin },
    payload: { organisation: ctx.config.bootstrap.organisationCode, clearance: 'sensitive', ...user },
  });
  if (created.statusCode !== 201) throw new Error(`user create failed: ${created.body}`);
  const { oneTimePassword } = created.json<{ oneTimePassword: string }>();
  return (await signIn(ctx.app, user.username, oneTimePassword)).authorization;
}

/** POST /api/v1/records with one file (and optional metadata) as the given user, in-process. */
export function uploadRecord(
  app: FastifyInstance,
  authorization: string,
  file: { name: string; content: Buffer | string },
  metadata?: unknown,
  query = '',
) {
  const { payload, headers } = multipart(file, metadata);
  return app.inject({
    method: 'POST',
    url: `/api/v1/records${query}`,
    payload,
    headers: { ...headers, authorization },
  });
}

/** A multipart body with an optional metadata field followed by one file part. */
export function multipart(
  file: { name: string; content: Buffer | string; type?: string },
  metadata?: unknown,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----dangan${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (metadata !== undefined) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name.replace(/"/g, '%22')}"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
