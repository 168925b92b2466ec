import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { searchIndexContract } from './search-index.contract.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

searchIndexContract('lancedb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-search-'));
  dirs.push(dir);
  return openLanceSearchIndex(dir);
});
