/**
 * Records, folders and queries the SearchIndex contract (search-index.contract.ts,
 * search-index.typed.contract.ts) and the adapters' own tests build on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { parseQuery } from './search.query.ts';
import type { AccessScope, IndexQuery, SearchDocument } from './search.port.ts';

export const CITY = '/city/';
export const XC = '/city/xc/';
export const HM = '/city/hm/';

let n = 0;
export function doc(overrides: Partial<SearchDocument> = {}): SearchDocument {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    status: 'filed',
    archiveNo: null,
    docNumber: null,
    title: `普通文件${n}`,
    body: '',
    names: [],
    identifiers: [],
    fonds: 'F001',
    category: 'SP',
    organisationId: 'org-xc',
    organisationPath: XC,
    level: 'public',
    levelRank: 0,
    retention: 'D30',
    matterType: null,
    year: 2024,
    formedOn: '2024-05-01',
    ...overrides,
  };
}

/** Every record of the city, at every level. */
export const everything: AccessScope = { organisationPath: CITY, maxLevelRank: 9 };

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

/** A fresh folder for an index, removed once the test file's tests have run. */
export async function tempIndexDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-search-'));
  tempDirs.push(dir);
  return dir;
}

/** A query over every record of the city at every level: the first 10 by relevance, 100 counted. */
export function cityQuery(text: string): IndexQuery {
  return {
    query: parseQuery(text),
    scope: { organisationPath: CITY, maxLevelRank: 9 },
    filters: {},
    limit: 10,
    offset: 0,
    sort: 'relevance',
    countWindow: 100,
  };
}
