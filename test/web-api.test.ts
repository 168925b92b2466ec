/** The web UI's typed client must match the API: the committed generated file is compared with a fresh one. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { generateSchemaTypes, openApiDocument, SCHEMA_FILE } from '../scripts/web-api.ts';

describe('web API client', () => {
  it('is generated from the current OpenAPI document (run npm run web:api when this fails)', async () => {
    const fresh = await generateSchemaTypes(await openApiDocument());
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    assert.ok(fresh.includes("'/api/v1/search'"), 'the document describes the search endpoint');
    assert.equal(committed, fresh, 'web/src/api/schema.d.ts is stale: run npm run web:api');
  });
});
