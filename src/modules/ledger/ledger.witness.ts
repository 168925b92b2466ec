/**
 * Publishing signed checkpoints to an external witness (外部见证): a file the bureau does not control
 * alone (JSON lines appended) or an http(s) endpoint (POST). Publishing never stands in the way of
 * ingest or signing: checkpoints are queued in memory and sent in order by one background loop; a
 * failure is logged and retried with back-off. docs/LEDGER.md describes the format.
 */
import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export const WITNESS_FORMAT = 'dangan-ledger-checkpoint/v1';
/** Beyond this many unsent checkpoints the oldest are dropped (a later one covers them). */
const MAX_QUEUE = 1000;

export interface Witness {
  readonly target: string;
  /** Queues a checkpoint for publishing; returns at once. */
  publish(checkpoint: object): void;
  /** Resolves once everything queued so far has been published (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stops retrying; what is still queued is given up (and logged). */
  stop(): Promise<void>;
}

export interface WitnessOptions {
  log: Logger;
  /** first retry delay; doubles up to maxDelayMs */
  retryMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export function createWitness(target: string, options: WitnessOptions): Witness {
  const { log } = options;
  const retryMs = options.retryMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const isUrl = /^https?:\/\//i.test(target);
  const queue: string[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  let waiters: (() => void)[] = [];

  async function send(line: string): Promise<void> {
    if (!isUrl) {
      await appendFile(target, `${line}\n`, { mode: 0o644 });
      return;
    }
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: line,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function loop(): Promise<void> {
    let delay = retryMs;
    let failures = 0;
    while (queue.length > 0 && !stopped) {
      try {
        await send(queue[0]!);
        queue.shift();
        if (failures > 0) log.info({ target, failures }, 'ledger witness reachable again');
        delay = retryMs;
        failures = 0;
      } catch (error) {
        failures++;
        log.warn(
          { err: error, target, failures, queued: queue.length, retryInMs: delay },
          'publishing a checkpoint to the witness failed; will retry',
        );
        await sleep(delay);
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
    running = undefined;
    if (queue.length === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  }

  return {
    target,
    publish(checkpoint) {
      if (stopped) return;
      queue.push(JSON.stringify({ format: WITNESS_FORMAT, ...checkpoint }));
      if (queue.length > MAX_QUEUE) {
        queue.splice(0, queue.length - MAX_QUEUE);
        log.warn({ target, kept: MAX_QUEUE }, 'witness queue full: oldest unsent checkpoints dropped');
      }
      running ??= loop();
    },
    idle() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      if (queue.length > 0)
        log.warn({ target, unsent: queue.length }, 'witness: unsent checkpoints at shutdown');
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    },
  };
}
