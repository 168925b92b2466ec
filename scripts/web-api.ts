// The web UI's API types, generated from the OpenAPI document of the real app (built on a throw-away
// embedded database), so the client can never drift from the server's zod schemas.
//   node --liftoff-only scripts/web-api.ts           writes web/src/api/schema.d.ts
//   node --liftoff-only scripts/web-api.ts --check   fails when the committed file is stale
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { loadConfig } from '../src/app/config.ts';
import { createLogger } from '../src/app/logger.ts';
import { createApp } from '../src/app/server.ts';
import { buildServices } from '../src/app/services.ts';
import { createTestDatabase } from '../src/db/testing.ts';

export const SCHEMA_FILE = join(import.meta.dirname, '..', 'web', 'src', 'api', 'schema.d.ts');

/** The OpenAPI 3.1 document exactly as `dangan serve` publishes it at /api/openapi.json. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-openapi-'));
  const db = await createTestDatabase();
  try {
    const config = loadConfig({ flags: { data: dir, logLevel: 'silent' }, env: {} });
    const services = await buildServices(config, createLogger('silent'), { db });
    const app = await createApp(services);
    await app.ready();
    const doc = JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
    await app.close();
    await services.close();
    return doc;
  } finally {
    await db[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The TypeScript declarations of the document, formatted like the rest of the code. */
export async function generateSchemaTypes(doc: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(doc as never, { alphabetize: true });
  const header =
    '// 由 scripts/web-api.ts 从 OpenAPI 文档生成，请勿手改 / generated from the OpenAPI document by\n' +
    '// scripts/web-api.ts (npm run web:api); do not edit by hand.\n';
  const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
  return prettier.format(header + astToString(ast), { ...options, filepath: SCHEMA_FILE });
}

if (import.meta.main) {
  const generated = await generateSchemaTypes(await openApiDocument());
  if (process.argv.includes('--check')) {
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    if (committed !== generated) {
      console.error('web/src/api/schema.d.ts 已过期，请运行 npm run web:api / is stale: run npm run web:api');
      process.exit(1);
    }
    console.log('web/src/api/schema.d.ts 与接口一致 / is up to date');
  } else {
    await writeFile(SCHEMA_FILE, generated);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
