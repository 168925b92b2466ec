/**
 * The search index of this data folder, opened on first use (commands that never search do not
 * load the native engine), and the synonym dictionary archivists can edit.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SynonymGroups } from './search.query.ts';
import type { SearchIndex } from './search.port.ts';

export interface SearchIndexHandle {
  /** the index, opened on first call */
  get(): Promise<SearchIndex>;
  /** the built-in synonyms merged with <dataDir>/search/synonyms.txt, re-read when that file changes */
  synonyms(): Promise<SynonymGroups>;
  close(): Promise<void>;
}

const DEFAULT_SYNONYMS = join(import.meta.dirname, 'synonyms.default.txt');

export function lazySearchIndex(dataDir: string): SearchIndexHandle {
  let opening: Promise<SearchIndex> | undefined;
  let cached: { stamp: string; groups: SynonymGroups } | undefined;
  const userFile = join(dataDir, 'search', 'synonyms.txt');
  return {
    get() {
      opening ??= (async () => {
        // The archive's own segmentation terms, before anything is analysed.
        const terms = await readFile(join(dataDir, 'search', 'terms.txt'), 'utf8').catch(() => null);
        if (terms !== null) (await import('./search.analysis.ts')).addTerms(terms);
        const { openLanceSearchIndex } = await import('./lance.adapter.ts');
        return openLanceSearchIndex(join(dataDir, 'search'));
      })();
      return opening;
    },
    async synonyms() {
      const info = await stat(userFile).catch(() => null);
      const stamp = info ? `${info.mtimeMs}:${info.size}` : 'none';
      if (cached?.stamp === stamp) return cached.groups;
      const { parseSynonyms } = await import('./search.query.ts');
      const text = [
        await readFile(DEFAULT_SYNONYMS, 'utf8'),
        info ? await readFile(userFile, 'utf8') : '',
      ].join('\n');
      cached = { stamp, groups: parseSynonyms(text) };
      return cached.groups;
    },
    async close() {
      if (opening) await (await opening).close();
      opening = undefined;
    },
  };
}
