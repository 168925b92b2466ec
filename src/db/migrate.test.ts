import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import { MIGRATIONS_DIR, readMigrations } from './migrate.ts';

describe('readMigrations', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dangan-read-migrations-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function folder(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(root, 'case-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }

  function invalid(pattern: RegExp) {
    return (error: unknown) =>
      isAppError(error) && error.code === 'database.migration_invalid' && pattern.test(error.en);
  }

  test('orders files by number, ignores other files, names each NNNN_name', async () => {
    const dir = await folder({
      '0002_two.sql': 'SELECT 2;',
      '0001_one.sql': 'SELECT 1;',
      '0010_ten.sql': 'SELECT 10;',
      'README.md': '# notes',
    });
    const files = await readMigrations(dir);
    assert.deepEqual(
      files.map((file) => [file.version, file.id, file.name]),
      [
        [1, '0001_one', 'one'],
        [2, '0002_two', 'two'],
        [10, '0010_ten', 'ten'],
      ],
    );
  });

  test('the checksum ignores line endings and a byte-order mark, not content', async () => {
    const dir = await folder({
      '0001_lf.sql': 'SELECT 1;\nSELECT 2;\n',
      '0002_crlf.sql': '\uFEFFSELECT 1;\r\nSELECT 2;\r\n',
      '0003_other.sql': 'SELECT 1;\nSELECT 3;\n',
    });
    const [lf, crlf, other] = await readMigrations(dir);
    assert.equal(lf!.checksum, crlf!.checksum);
    assert.notEqual(lf!.checksum, other!.checksum);
    assert.equal(crlf!.sql, 'SELECT 1;\nSELECT 2;\n');
  });

  test('refuses badly named files, duplicated numbers, 0000 and a missing folder', async () => {
    await assert.rejects(readMigrations(await folder({ 'add-users.sql': '' })), invalid(/add-users\.sql/));
    await assert.rejects(readMigrations(await folder({ '1_short.sql': '' })), invalid(/1_short\.sql/));
    await assert.rejects(
      readMigrations(await folder({ '0001_a.sql': '', '0001_b.sql': '' })),
      invalid(/0001_a\.sql and 0001_b\.sql/),
    );
    await assert.rejects(readMigrations(await folder({ '0000_zero.sql': '' })), invalid(/0001/));
    await assert.rejects(readMigrations(join(root, 'absent')), invalid(/cannot be read/));
  });

  test("the program's own migrations are well formed", async () => {
    const files = await readMigrations(MIGRATIONS_DIR);
    assert.ok(files.length > 0);
    assert.equal(files[0]!.version, 1);
  });
});
