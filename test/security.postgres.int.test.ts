/**
 * The access, audit, sign-in and authorisation-matrix suites again on a real PostgreSQL server (each
 * test context gets its own database on the server of TEST_DATABASE_URL): the visibility condition,
 * shares and audit queries must hold on both engines.
 */
import assert from 'node:assert/strict';
import { testDatabaseUrl } from '../src/db/testing.ts';

assert.ok(
  testDatabaseUrl(),
  'TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints',
);
process.env['DANGAN_TEST_BACKEND'] = 'postgres';
await import('./access.api.test.ts');
await import('./audit.api.test.ts');
await import('./signin.api.test.ts');
await import('./authz-matrix.test.ts');
