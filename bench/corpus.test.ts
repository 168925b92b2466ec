/** The benchmark's generated files must be what ingest accepts, of the kind and size they claim. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectFile } from '../src/modules/content/sniff.ts';
import { loadText, makeDocx, makeJpeg, makePdf, makePng, noise, planSet, rngFor } from './corpus.ts';

test('generated files pass inspectFile with the right kind and about the right size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-corpus-test-'));
  try {
    const source = await loadText(undefined);
    const text = Buffer.concat(source.md.slice(0, 3));
    const cases: [string, Buffer, string, number][] = [
      ['a.jpg', makeJpeg('t/jpeg', 50_000), 'jpeg', 50_000],
      ['a.png', makePng('t/png', 80_000), 'png', 80_000],
      ['a.pdf', await makePdf('t/pdf', '行政许可法', 100_000), 'pdf', 100_000],
      ['small.pdf', await makePdf('t/pdf2', '行政许可法', 10_000), 'pdf', 10_000],
      ['a.docx', makeDocx('t/docx', '行政许可法', text, 200_000), 'docx', 200_000],
      ['a.md', text, 'md', text.length],
    ];
    for (const [name, bytes, kind, size] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const inspected = await inspectFile(path, { originalName: name });
      assert.equal(inspected.kind, kind, name);
      assert.ok(
        Math.abs(bytes.length - size) <= size * 0.05,
        `${name}: ${bytes.length} bytes, wanted about ${size}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the corpus is deterministic', () => {
  assert.deepEqual(noise('x', 32), noise('x', 32));
  assert.notDeepEqual(noise('x', 32), noise('y', 32));
  assert.equal(rngFor('s')(), rngFor('s')());
  const params = { set: 'c' as const, count: 50, size: 0, seed: 1 };
  assert.deepEqual(planSet(params, ['甲']), planSet(params, ['甲']));
  for (const file of planSet(params, ['甲'])) assert.ok(file.size >= 10_000 && file.size <= 5_000_000);
});
