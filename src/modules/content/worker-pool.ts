/**
 * A tiny pool of worker threads for parsing documents. Parsing runs there so that a hostile or
 * merely huge document can stall or exhaust only a worker, never the caller's event loop: each
 * worker has memory limits, each task a deadline, and a worker that fails or overruns is
 * terminated and replaced. Workers stay warm between tasks (loading pdfjs costs about half a
 * second), are recycled after a number of tasks, and are let go when idle so the process can exit.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerTask } from './worker-protocol.ts';

/** Why a worker task produced no result: a reason fit for error details. */
export class WorkerFailure extends Error {
  override name = 'WorkerFailure';
}

const RESOURCE_LIMITS = {
  maxOldGenerationSizeMb: 1024,
  maxYoungGenerationSizeMb: 64,
  codeRangeSizeMb: 64,
  stackSizeMb: 4,
};
const WORKER_URL = new URL('./extract.worker.ts', import.meta.url);
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));
// Bounds whatever a parser leaks from one document to the next; a new worker costs about 0.8 s of
// CPU (module loading), so not too often: at 50, batch ingest of PDFs spent seconds on it.
const TASKS_PER_WORKER = 500;
const IDLE_MS = 30_000;

interface Job {
  task: WorkerTask;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  tasks: number;
  job?: Job;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
}

const slots = new Set<Slot>();
const queue: Job[] = [];

function spawn(): Slot {
  const slot: Slot = {
    worker: new Worker(WORKER_URL, { resourceLimits: RESOURCE_LIMITS, stdout: false, stderr: false }),
    tasks: 0,
  };
  slot.worker.on('message', (reply: WorkerReply) => {
    const job = settle(slot);
    if (!job) return;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new WorkerFailure(reply.reason));
    if (slot.tasks >= TASKS_PER_WORKER) retire(slot);
    else idle(slot);
    dispatch();
  });
  slot.worker.on('error', (error: Error & { code?: string }) => {
    const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : error.message;
    fail(slot, reason);
  });
  slot.worker.on('exit', (code) => fail(slot, `worker exited with code ${code}`));
  slots.add(slot);
  return slot;
}

/** Takes the slot's job off it, stopping its deadline. */
function settle(slot: Slot): Job | undefined {
  const job = slot.job;
  slot.job = undefined;
  clearTimeout(slot.timer);
  return job;
}

function retire(slot: Slot): void {
  if (!slots.delete(slot)) return;
  clearTimeout(slot.idleTimer);
  void slot.worker.terminate();
}

function fail(slot: Slot, reason: string): void {
  const job = settle(slot);
  retire(slot);
  job?.reject(new WorkerFailure(reason));
  dispatch();
}

function idle(slot: Slot): void {
  // An idle worker must not keep the process alive, and is let go after a while.
  slot.worker.unref();
  slot.idleTimer = setTimeout(() => retire(slot), IDLE_MS);
  slot.idleTimer.unref();
}

function dispatch(): void {
  while (queue.length > 0) {
    let slot = [...slots].find((candidate) => !candidate.job);
    if (!slot && slots.size < POOL_SIZE) slot = spawn();
    if (!slot) return;
    const job = queue.shift()!;
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    slot.job = job;
    slot.tasks += 1;
    const busy = slot;
    slot.timer = setTimeout(() => fail(busy, `timed out after ${job.timeoutMs} ms`), job.timeoutMs);
    slot.worker.postMessage(job.task);
  }
}

/**
 * Runs one task in a pooled worker; the deadline counts from when a worker takes it up.
 * Rejects with WorkerFailure on the task's error, a worker crash or running out of memory, or
 * the deadline, after which the worker is terminated.
 */
export function runInWorker(task: WorkerTask, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    queue.push({ task, timeoutMs, resolve, reject });
    dispatch();
  });
}
