/**
 * Encryption at rest (test/keys.test.ts) again, on a real PostgreSQL server: keyed addresses, the
 * one-statement data key record, rotation and shredding on the server's concurrency rules.
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./keys.test.ts');
