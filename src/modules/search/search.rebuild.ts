/**
 * The server's own rebuild of the search index (POST /api/v1/search/rebuild): `reindex` in the
 * background, beside the live index, one at a time. With the embedded database `dangan reindex`
 * cannot run beside the server (the data folder is locked to one process): this is how a running
 * server is rebuilt without a pause in searching. Refused while a rebuild is registered by a
 * process that still runs (this one or another): a second would drop the first one's new table.
 */
import type { Logger } from 'pino';
import { isDeadOwner, processOwner } from '../storage/intents.ts';
import { rebuildRunning } from './search.errors.ts';
import { reindex, type SearchDeps } from './search.usecases.ts';

export interface RebuildStatus {
  running: boolean;
  /** when the rebuild under way started (ISO), null when none runs */
  startedAt: string | null;
  /** records read so far by the rebuild under way */
  records: number;
  /** how the last rebuild of this process ended */
  last: {
    finishedAt: string;
    records: number;
    ms: number;
    replayed: number;
    error: string | null;
  } | null;
}

export interface Rebuilder {
  /** Starts a rebuild in the background; refuses (search.rebuild_running) while one runs. */
  start(): Promise<RebuildStatus>;
  status(): RebuildStatus;
  /** Resolves when no rebuild of this process runs (tests, shutdown). */
  idle(): Promise<void>;
}

export function createRebuilder(deps: SearchDeps, log: Logger): Rebuilder {
  const owner = deps.owner ?? processOwner();
  let running: Promise<void> | null = null;
  let startedAt: Date | null = null;
  let records = 0;
  let last: RebuildStatus['last'] = null;
  const status = (): RebuildStatus => ({
    running: running !== null,
    startedAt: startedAt?.toISOString() ?? null,
    records,
    last,
  });
  return {
    async start() {
      const { rows } = await deps.db.query<{ owner: string; started_at: Date }>(
        'SELECT owner, started_at FROM search_rebuilds ORDER BY started_at',
      );
      const alive = rows.find((r) => !isDeadOwner(r.owner, owner));
      if (alive) throw rebuildRunning({ since: alive.started_at.toISOString() });
      // This process's own, registered a moment after it started (or a call that overtook this one).
      if (running && startedAt) throw rebuildRunning({ since: startedAt.toISOString() });
      startedAt = new Date();
      records = 0;
      log.info('检索索引开始重建 / search index rebuild started');
      running = reindex(deps, (done) => {
        records = done;
      })
        .then(
          (result) => {
            last = { finishedAt: new Date().toISOString(), ...result, error: null };
            log.info(result, '检索索引重建完成 / search index rebuilt');
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            last = { finishedAt: new Date().toISOString(), records, ms: 0, replayed: 0, error: message };
            log.error({ err: error }, 'search index rebuild failed');
          },
        )
        .finally(() => {
          running = null;
          startedAt = null;
        });
      return status();
    },
    status,
    async idle() {
      await running;
    },
  };
}
