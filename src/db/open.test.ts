import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import { openDatabase } from './open.ts';

test('a URL of another scheme is refused with database.url_invalid', async () => {
  await assert.rejects(
    openDatabase({ url: 'mysql://root@localhost/dangan', dataDir: '/unused' }),
    (error) => isAppError(error) && error.code === 'database.url_invalid',
  );
});

// Without a URL openDatabase opens PGlite: pglite.adapter.test.ts covers that path (and its cost).
