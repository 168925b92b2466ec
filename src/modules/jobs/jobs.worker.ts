/**
 * Runs queued jobs with a fixed number of concurrent workers. Stopping lets running jobs finish
 * within a grace period, then aborts them and puts them back in the queue, so nothing is lost.
 */
import type { Logger } from 'pino';
import type { Database } from '../../db/database.port.ts';
import { claim, complete, fail, release, type JobRow } from './jobs.queue.ts';

export interface JobContext {
  signal: AbortSignal;
  log: Logger;
}
export type JobHandler = (job: JobRow, context: JobContext) => Promise<void>;

/** Thrown by a handler for a failure that retrying cannot fix (e.g. a corrupt file). */
export class PermanentJobError extends Error {}

export interface Workers {
  /** Wakes idle workers now (after enqueueing) instead of at the next poll. */
  notify(): void;
  /** Resolves once the queue has no ready job left and no worker is busy (tests, CLI ingest). */
  idle(): Promise<void>;
  stop(graceMs: number): Promise<{ released: number }>;
}

export function startWorkers(options: {
  db: Database;
  owner: string;
  handlers: Record<string, JobHandler>;
  concurrency: number;
  pollMs: number;
  leaseSeconds: number;
  log: Logger;
}): Workers {
  const { db, owner, handlers, log } = options;
  const kinds = Object.keys(handlers);
  const abort = new AbortController();
  let stopping = false;
  let busy = 0;
  let wake: (() => void) | undefined;
  // A waiter is released only by an empty claim that *started* after it asked: a claim already in
  // flight may have run before the caller's last enqueue committed (a real race on PostgreSQL).
  const idleWaiters: { resolve: () => void; after: number }[] = [];
  let claims = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      const previous = wake;
      wake = () => {
        previous?.();
        done();
      };
    });

  async function loop(index: number): Promise<void> {
    while (!stopping) {
      let job: JobRow | null = null;
      const seq = ++claims;
      // A worker counts as busy from the moment it claims: another worker's empty claim must not
      // report the queue idle while this claim is bringing a job back.
      busy++;
      try {
        job = await claim(db, owner, kinds, options.leaseSeconds);
      } catch (error) {
        if (!stopping) log.error({ err: error, worker: index }, 'job claim failed');
      }
      if (!job) {
        busy--;
        if (busy === 0) {
          for (let i = idleWaiters.length - 1; i >= 0; i--) {
            if (idleWaiters[i]!.after < seq) idleWaiters.splice(i, 1)[0]!.resolve();
          }
        }
        await sleep(options.pollMs);
        continue;
      }
      const started = performance.now();
      try {
        await handlers[job.kind]!(job, {
          signal: abort.signal,
          log: log.child({ job: job.id, kind: job.kind }),
        });
        await complete(db, job);
        log.info({ job: job.id, kind: job.kind, ms: Math.round(performance.now() - started) }, 'job done');
      } catch (error) {
        if (stopping && abort.signal.aborted) {
          // Interrupted by shutdown: release() below puts it back untouched.
        } else {
          const outcome = await fail(
            db,
            job,
            (error as Error).message,
            // Holder-protected content never opens in a job (no holder reads there): retrying is pointless.
            !(error instanceof PermanentJobError) &&
              (error as { code?: string }).code !== 'key.holder_required',
          ).catch(() => 'unknown');
          log.warn({ job: job.id, kind: job.kind, err: error, outcome }, 'job failed');
        }
      } finally {
        busy--;
      }
    }
  }

  const loops = Array.from({ length: options.concurrency }, (_, i) => loop(i));

  return {
    notify: () => wake?.(),
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push({ resolve, after: claims });
        wake?.();
      }),
    async stop(graceMs) {
      stopping = true;
      wake?.();
      const all = Promise.allSettled(loops);
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((r) => setTimeout(r, graceMs, true).unref()),
      ]);
      if (timedOut) {
        abort.abort();
        await all;
      }
      const released = await release(db, owner);
      for (const waiter of idleWaiters.splice(0)) waiter.resolve();
      return { released };
    },
  };
}
