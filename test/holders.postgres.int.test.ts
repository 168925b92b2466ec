/**
 * Holder protection (test/holders.test.ts) again, on a real PostgreSQL server: the one-statement key
 * and wraps record, grants, revocation and sharing on the server's SQL.
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./holders.test.ts');
