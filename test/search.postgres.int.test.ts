/**
 * The search API suites (test/search*.api.test.ts) again, on a real PostgreSQL server: the outbox
 * triggers, the sync job and the permission tests there too.
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./search.api.test.ts');
await import('./search-access.api.test.ts');
await import('./search-related.api.test.ts');
