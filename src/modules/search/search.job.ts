/**
 * Job step `search_sync`: the 0003_search triggers queue it whenever a record's searchable content
 * changes; it indexes every noted record in batches, so records are searchable within seconds of
 * their text being ready. Runs one at a time per process (a second concurrent run would only repeat
 * the same work). The search code is loaded on first run, not at start-up.
 */
import type { JobHandler } from '../jobs/jobs.worker.ts';
import type { SearchDeps } from './search.usecases.ts';

export function searchSyncJob(deps: SearchDeps): JobHandler {
  let running: Promise<unknown> = Promise.resolve();
  return (_job, { signal, log }) => {
    const run = running.then(async () => {
      const { syncPending } = await import('./search.usecases.ts');
      const indexed = await syncPending(deps, signal);
      if (indexed > 0) log.debug({ indexed }, 'search index updated');
    });
    running = run.catch(() => undefined);
    return run;
  };
}
