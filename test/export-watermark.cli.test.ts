/** `dangan export` follows the download watermark policy: sensitive files leave marked, with user, time and purpose audited. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/open.ts';
import { jsonLines, runCli } from './cli-helpers.ts';
import { makePdf } from './fixtures.ts';

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    return pages.join('\n');
  } finally {
    await doc.cleanup();
  }
}

describe('CLI export watermarks', () => {
  let dir: string;
  let data: string;
  let pdf: Buffer;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  async function ingest(file: string, level: string): Promise<string> {
    const res = await cli('ingest', join(dir, file), '--level', level, '--json');
    assert.equal(res.code, 0, res.stderr);
    return jsonLines<{ recordId: string }>(res.stdout)[0]!.recordId;
  }
  async function events(recordId: string) {
    const db = await openDatabase({ dataDir: join(data, 'db') });
    try {
      const { rows } = await db.query<{
        action: string;
        actor: string;
        outcome: string;
        details: Record<string, unknown>;
      }>(
        `SELECT action, actor, outcome, details FROM events WHERE record_id = $1 AND action IN ('record.download', 'record.export') ORDER BY id`,
        [recordId],
      );
      return rows;
    } finally {
      await db.close();
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-export-wm-'));
    data = join(dir, 'data');
    pdf = await makePdf(['Approval of project 42'], 1);
    await writeFile(join(dir, 'secret.pdf'), pdf);
    await writeFile(join(dir, 'open.pdf'), await makePdf(['Public notice 7'], 1));
    await writeFile(join(dir, 'secret.txt'), '敏感的纯文本\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('exports a sensitive PDF as a marked copy naming the operator, time and purpose, and audits it', async () => {
    const id = await ingest('secret.pdf', 'sensitive');
    const out = join(dir, 'out1');
    const res = await cli('export', id, '--out', out, '--purpose', '移交核查');
    assert.equal(res.code, 0, res.stderr);
    const [folder] = await readdir(out);
    const exported = await readFile(join(out, folder!, 'secret.pdf'));
    assert.notDeepEqual(exported, pdf);
    const text = await pdfText(exported);
    assert.match(text, /Approval of project 42/);
    assert.match(text, /cli:\S+/);
    assert.ok(text.includes('用途 移交核查'), text);
    assert.match(text, new RegExp(`${new Date().toISOString().slice(0, 10)} \\d\\d:\\d\\d:\\d\\d UTC`));
    const metadata = JSON.parse(await readFile(join(out, folder!, 'metadata.json'), 'utf8')) as {
      files: { sha256: string; watermarked?: { originalSha256: string } }[];
    };
    const sha = createHash('sha256').update(exported).digest('hex');
    assert.equal(metadata.files[0]!.sha256, sha);
    assert.equal(
      metadata.files[0]!.watermarked?.originalSha256,
      createHash('sha256').update(pdf).digest('hex'),
    );
    const trail = await events(id);
    assert.deepEqual(
      trail.map((e) => [e.action, e.details['watermarked'], e.details['purpose']]),
      [
        ['record.download', true, '移交核查'],
        ['record.export', true, '移交核查'],
      ],
    );
    assert.equal(trail[0]!.details['copySha256'], sha);
    assert.match(trail[0]!.actor, /^cli:/);
  });

  it('exports a public PDF byte for byte, unmarked', async () => {
    const id = await ingest('open.pdf', 'public');
    const out = join(dir, 'out2');
    assert.equal((await cli('export', id, '--out', out)).code, 0);
    const [folder] = await readdir(out);
    const exported = await readFile(join(out, folder!, 'open.pdf'));
    assert.deepEqual(exported, await readFile(join(dir, 'open.pdf')));
    assert.deepEqual(
      (await events(id)).map((e) => [e.action, e.details['watermarked']]),
      [
        ['record.download', undefined],
        ['record.export', undefined],
      ],
    );
  });

  it('refuses a sensitive file that cannot carry a mark, writes nothing, and audits the refusal', async () => {
    const id = await ingest('secret.txt', 'sensitive');
    const out = join(dir, 'out3');
    const res = await cli('export', id, '--out', out);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /水印/);
    await assert.rejects(readdir(out), { code: 'ENOENT' });
    assert.deepEqual(
      (await events(id)).map((e) => [e.action, e.outcome, e.details['reason']]),
      [['record.download', 'denied', 'watermark_unsupported']],
    );
  });

  it('refuses an empty or over-long purpose', async () => {
    const res = await cli('export', 'x', '--out', join(dir, 'out4'), '--purpose', ' ');
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /用途/);
  });
});
