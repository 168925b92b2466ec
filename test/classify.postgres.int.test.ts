/**
 * The classification API suite (test/classify.api.test.ts) again, on a real PostgreSQL server: the
 * trigger that queues classification, the review queue's visibility condition, model versions.
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./classify.api.test.ts');
