/**
 * A pool of OCR worker processes: N workers (default one per core), each with one ONNX thread and
 * its own memory, so a page that exhausts memory or hangs inside the model takes down only its
 * worker. Each page has a time limit: the worker checks it between model runs (`ocr.aborted`), and
 * a worker silent for longer than the limit plus a grace period is killed and replaced.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { AppError } from '../../app/errors.ts';
import { ocrAborted, ocrPageTimeout, ocrWorkerCrashed } from './ocr.errors.ts';
import type { OcrOutput } from './ocr.outputs.ts';
import { DEFAULT_PAGE_TIMEOUT_MS, type OcrDocument } from './ocr.usecases.ts';
import type { PpOcrOptions } from './ppocr.adapter.ts';

export type PoolRequest =
  | {
      type: 'read';
      id: number;
      path: string;
      name: string;
      pageTimeoutMs: number;
      outDir?: string;
      stem?: string;
    }
  | { type: 'stop' };

export type PoolReply =
  | { type: 'ready' }
  | { type: 'page'; id: number; index: number; count: number; rss: number }
  | {
      type: 'done';
      id: number;
      document: OcrDocument;
      written: string[];
      outputs: OutputFile[];
      cpuSeconds: number;
      maxRss: number;
    }
  | {
      type: 'failed';
      id: number;
      code: string;
      status: number;
      zh: string;
      en: string;
      details?: Record<string, unknown>;
    };

/** A file the worker wrote to `outDir`: what kind of output it is, without its bytes. */
export type OutputFile = Omit<OcrOutput, 'bytes'>;

export interface PoolResult {
  document: OcrDocument;
  /** names of the files written to `outDir` */
  written: string[];
  /** the same files with their kind, media type and format */
  outputs: OutputFile[];
  cpuSeconds: number;
  /** the worker's peak resident set size so far, in bytes */
  maxRss: number;
  worker: number;
}

export interface OcrPoolOptions {
  workers?: number;
  pageTimeoutMs?: number;
  engine?: Partial<PpOcrOptions>;
  /** a worker whose resident memory grows past this (bytes, default 1.5 GB) is killed and replaced */
  maxRssBytes?: number;
  /** called after each page of each file, with the worker's resident memory then (bytes) */
  onPage?: (name: string, index: number, count: number, rss: number) => void;
}

/** Grace beyond the page time limit before a silent worker is killed (model runs cannot stop). */
const KILL_GRACE_MS = 15_000;
const WORKER_URL = new URL('./ocr.worker.ts', import.meta.url);

interface Task {
  id: number;
  request: Extract<PoolRequest, { type: 'read' }>;
  resolve(result: PoolResult): void;
  reject(error: Error): void;
  /** removes the abort listener once the task is settled */
  detach?: () => void;
}

interface Slot {
  index: number;
  child: ChildProcess;
  ready: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** pages of the current task finished so far */
  pagesDone: number;
  /** why the pool killed the worker, if it did */
  killed?: 'timeout' | 'abort' | 'memory';
}

export interface OcrPool {
  readonly size: number;
  /** Reads one file (PDF, PNG, JPEG, TIFF); with `outDir`, the worker also writes the outputs. */
  read(
    path: string,
    name: string,
    options?: { outDir?: string; stem?: string; signal?: AbortSignal },
  ): Promise<PoolResult>;
  close(): Promise<void>;
}

export function createOcrPool(options: OcrPoolOptions = {}): OcrPool {
  const size = Math.max(1, options.workers ?? availableParallelism());
  const pageTimeoutMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  const maxRssBytes = options.maxRssBytes ?? 1536 * 1024 * 1024;
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (index: number): Slot => {
    const child = fork(WORKER_URL, [], {
      env: { ...process.env, DANGAN_OCR_ENGINE: JSON.stringify(options.engine ?? {}) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const slot: Slot = { index, child, ready: false, pagesDone: 0 };
    child.on('error', () => {}); // reported through 'exit'
    child.on('message', (reply: PoolReply) => {
      if (reply.type === 'ready') {
        slot.ready = true;
        dispatch();
        return;
      }
      const task = slot.task;
      // A worker being killed answers nothing more: its task ends with the reason it was killed.
      if (!task || reply.id !== task.id || slot.killed) return;
      if (reply.type === 'page') {
        options.onPage?.(task.request.name, reply.index, reply.count, reply.rss);
        slot.pagesDone = reply.index + 1;
        if (reply.rss > maxRssBytes) return kill(slot, 'memory');
        arm(slot);
        return;
      }
      clearTimeout(slot.timer);
      slot.task = undefined;
      task.detach?.();
      if (reply.type === 'done') {
        const { document, written, outputs, cpuSeconds, maxRss } = reply;
        task.resolve({ document, written, outputs, cpuSeconds, maxRss, worker: index });
      } else {
        task.reject(
          new AppError(
            { code: reply.code, status: reply.status, zh: reply.zh, en: reply.en },
            { name: task.request.name, ...reply.details },
          ),
        );
      }
      dispatch();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(slot.timer);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        task.detach?.();
        const name = task.request.name;
        // Every way a worker can end mid-task becomes a stable code: the job fails, it never hangs.
        task.reject(
          slot.killed === 'timeout'
            ? ocrPageTimeout({ name, page: slot.pagesDone + 1, seconds: pageTimeoutMs / 1000 })
            : slot.killed === 'abort'
              ? ocrAborted({ name })
              : ocrWorkerCrashed({
                  name,
                  reason: slot.killed === 'memory' ? 'memory limit' : String(signal ?? code),
                }),
        );
      }
      if (closed) return;
      if (slot.ready) {
        slots[slots.indexOf(slot)] = spawn(index);
        return;
      }
      // A worker that dies before it is ready (models missing, out of memory) would die again.
      slot.ready = false;
      slots.splice(slots.indexOf(slot), 1);
      if (slots.length === 0)
        for (const queued of queue.splice(0))
          queued.reject(
            ocrWorkerCrashed({ name: queued.request.name, reason: `could not start: ${signal ?? code}` }),
          );
    });
    return slot;
  };

  // The time limit restarts with every page the worker reports.
  const arm = (slot: Slot) => {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => kill(slot, 'timeout'), pageTimeoutMs + KILL_GRACE_MS);
  };

  const kill = (slot: Slot, why: NonNullable<Slot['killed']>) => {
    clearTimeout(slot.timer);
    slot.killed ??= why;
    slot.child.kill('SIGKILL');
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (!slot.ready || slot.task || queue.length === 0) continue;
      const task = queue.shift()!;
      slot.task = task;
      slot.pagesDone = 0;
      arm(slot);
      slot.child.send(task.request);
    }
  };

  for (let i = 0; i < size; i++) slots.push(spawn(i));

  return {
    size,
    read(path, name, readOptions = {}) {
      if (closed) return Promise.reject(new Error('OCR pool is closed'));
      const { signal, ...rest } = readOptions;
      if (signal?.aborted) return Promise.reject(ocrAborted({ name }));
      return new Promise<PoolResult>((resolve, reject) => {
        const id = nextId++;
        const task: Task = {
          id,
          request: { type: 'read', id, path, name, pageTimeoutMs, ...rest },
          resolve,
          reject,
        };
        if (signal) {
          // Queued: leave the queue. Running: the model cannot be interrupted, so kill the worker.
          const onAbort = () => {
            const queued = queue.indexOf(task);
            if (queued >= 0) {
              queue.splice(queued, 1);
              reject(ocrAborted({ name }));
              return;
            }
            const slot = slots.find((s) => s.task === task);
            if (slot) kill(slot, 'abort');
          };
          signal.addEventListener('abort', onAbort, { once: true });
          task.detach = () => signal.removeEventListener('abort', onAbort);
        }
        queue.push(task);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('OCR pool closed'));
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
              slot.child.once('exit', () => resolve());
              slot.child.send({ type: 'stop' } satisfies PoolRequest);
            }),
        ),
      );
    },
  };
}
