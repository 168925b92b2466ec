/**
 * The whole REST API suite (test/api.test.ts) again, on a real PostgreSQL server: each test context
 * gets its own database on the server of TEST_DATABASE_URL (scripts/ci-postgres.sh starts one).
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./api.test.ts');
