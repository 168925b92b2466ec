/**
 * The search index of this data folder, opened on first use: commands that never search do not
 * load the native engine.
 */
import { join } from 'node:path';
import type { SearchIndex } from './search.port.ts';

export interface SearchIndexHandle {
  /** the index, opened on first call */
  get(): Promise<SearchIndex>;
  close(): Promise<void>;
}

export function lazySearchIndex(dataDir: string): SearchIndexHandle {
  let opening: Promise<SearchIndex> | undefined;
  return {
    get() {
      opening ??= import('./lance.adapter.ts').then((m) => m.openLanceSearchIndex(join(dataDir, 'search')));
      return opening;
    },
    async close() {
      if (opening) await (await opening).close();
      opening = undefined;
    },
  };
}
