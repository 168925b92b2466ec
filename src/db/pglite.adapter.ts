/**
 * The Database port on PGlite, hosted in a worker thread (pglite.worker.ts) so that queries never
 * run on the event loop of the HTTP server. PGlite has one connection: a transaction holds it from
 * BEGIN to COMMIT, and statements of other callers queue behind it (the gate below), in arrival
 * order. The data folder is guarded by a lock file (lock-file.ts).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { databaseUnavailable } from './database.errors.ts';
import type { Database, QueryOptions, QueryResult, Transaction } from './database.port.ts';
import { DatabaseError } from './database.port.ts';
import { acquireDataDirLock, type DataDirLock } from './lock-file.ts';
import type {
  Lifecycle,
  Reply,
  Request,
  SerializedError,
  WasmModule,
  WorkerInit,
} from './pglite.protocol.ts';
import {
  assertOpen,
  refuseInsideOwnTransaction,
  runInTransactionScope,
  type TransactionScope,
} from './transaction-guard.ts';

export interface PgliteOptions {
  /** the PostgreSQL data folder; created when missing */
  dataDir: string;
  /**
   * Extra PostgreSQL settings (`-c name=value`). Tests pass a small shared_buffers, which halves the
   * start-up time (PGlite zeroes the whole buffer pool when it starts).
   */
  settings?: Record<string, string>;
  /** extra initdb arguments for a new folder (tests use 1 MB WAL segments: less to copy) */
  initdbArgs?: string[];
  /** pglite.wasm compiled once and shared by many databases in one process (tests) */
  wasmModule?: WasmModule;
}

/** A request before the adapter numbers it (Omit spread over each kind of request). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type RequestBody = WithoutId<Request>;
type OkReply = Extract<Reply, { ok: true }>;

/**
 * Opens (creating and initialising when new) the PGlite database in options.dataDir, in a worker
 * thread. Throws database.in_use when another process holds the folder and database.unavailable
 * when PGlite cannot start on it.
 */
export async function openPglite(options: PgliteOptions): Promise<PgliteDatabase> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    const init: WorkerInit = {
      dataDir,
      settings: options.settings ?? {},
      initdbArgs: options.initdbArgs,
      wasmModule: options.wasmModule,
    };
    const worker = new Worker(new URL('./pglite.worker.ts', import.meta.url), { workerData: init });
    await waitUntilReady(worker, dataDir);
    return new PgliteDatabase(worker, lock, dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function waitUntilReady(worker: Worker, dataDir: string): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const fail = (reason: string, cause?: unknown) => {
      cleanup();
      void worker.terminate();
      reject(databaseUnavailable({ target: dataDir, reason }, { cause }));
    };
    const onMessage = (message: Lifecycle) => {
      if (message.op === 'ready') {
        cleanup();
        resolveReady();
      } else fail(`PGlite could not start: ${message.message}`);
    };
    const onError = (error: Error) => fail(`PGlite could not start: ${error.message}`, error);
    const onExit = (code: number) => fail(`the PGlite worker exited with code ${code} while starting`);
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // A worker that fails after this point must not crash the process with an unheard 'error'.
      worker.on('error', () => {});
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

interface Pending {
  resolve(reply: OkReply): void;
  reject(error: unknown): void;
}

/** A unit waiting at the gate: a statement (sent as soon as it is let through) or a transaction. */
interface Waiting {
  transaction: boolean;
  start(): void;
}

export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly dataDir: string;
  readonly #worker: Worker;
  readonly #lock: DataDirLock;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #nextTx = 1;
  /** why the database can no longer be used (closed, or the worker ended), once it cannot */
  #down: string | undefined;
  #closing: Promise<void> | undefined;
  /** the gate: true from a transaction's admission until it ends; others wait in #waiting */
  #transactionActive = false;
  readonly #waiting: Waiting[] = [];

  constructor(worker: Worker, lock: DataDirLock, dataDir: string) {
    this.#worker = worker;
    this.#lock = lock;
    this.dataDir = dataDir;
    worker.on('message', (reply: Reply) => this.#onReply(reply));
    worker.on('error', (error) => this.#fail(`the PGlite worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#fail(`the PGlite worker exited (code ${code})`));
    // Idle, the worker must not keep the process alive; it is referenced while a call is pending.
    worker.unref();
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<QueryResult<Row>> {
    this.#checkUsable();
    const reply = await located(this.#statement({ op: 'query', sql, params, generic: options.genericPlan }));
    return { rows: reply.rows as Row[], rowCount: reply.rowCount };
  }

  async exec(sql: string): Promise<void> {
    this.#checkUsable();
    await located(this.#statement({ op: 'exec', sql }));
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.#checkUsable();
    await this.#admitTransaction();
    const tx = this.#nextTx++;
    const scope: TransactionScope = { owner: this, open: false };
    try {
      await this.#call({ op: 'begin', tx });
      scope.open = true;
      const handle: Transaction = {
        query: async <Row = Record<string, unknown>>(
          sql: string,
          params: readonly unknown[] = [],
          options: QueryOptions = {},
        ) => {
          assertOpen(scope);
          const reply = await located(
            this.#call({ op: 'query', sql, params, tx, generic: options.genericPlan }),
          );
          return { rows: reply.rows as Row[], rowCount: reply.rowCount };
        },
        exec: async (sql: string) => {
          assertOpen(scope);
          await located(this.#call({ op: 'exec', sql, tx }));
        },
      };
      let result: T;
      try {
        result = await runInTransactionScope(scope, () => fn(handle));
      } catch (error) {
        scope.open = false;
        await this.#rollback(tx);
        throw error;
      }
      scope.open = false;
      await located(this.#call({ op: 'commit', tx }));
      return result;
    } finally {
      scope.open = false;
      this.#transactionEnded();
    }
  }

  /** Waits for a transaction in progress, then stops PGlite cleanly and releases the lock file. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#down === undefined) {
      // Through the gate, so that a transaction still running finishes first.
      const exited = new Promise<void>((done) => this.#worker.once('exit', () => done()));
      try {
        await this.#statement({ op: 'close' });
        this.#down = 'the database is closed';
        this.#worker.ref();
        await exited;
      } catch {
        // The worker is gone already; nothing is left to stop.
      }
    }
    this.#down ??= 'the database is closed';
    this.#lock.release();
  }

  /**
   * Ends the worker abruptly, as a crash would: every pending call rejects with
   * database.unavailable. For tests of that path only.
   */
  async terminateWorkerForTesting(): Promise<void> {
    await this.#worker.terminate();
  }

  #checkUsable(): void {
    refuseInsideOwnTransaction(this);
    if (this.#down !== undefined) throw this.#unavailable();
    if (this.#closing) throw databaseUnavailable({ target: this.dataDir, reason: 'the database is closing' });
  }

  #admitTransaction(): Promise<void> {
    if (!this.#transactionActive && this.#waiting.length === 0) {
      this.#transactionActive = true;
      return Promise.resolve();
    }
    return new Promise((start) => this.#waiting.push({ transaction: true, start }));
  }

  /** A statement outside any transaction: sent at once unless a transaction holds the connection. */
  #statement(body: RequestBody): Promise<OkReply> {
    if (!this.#transactionActive && this.#waiting.length === 0) return this.#call(body);
    return new Promise((resolveCall, reject) => {
      // Sent synchronously when let through, so that it reaches the worker before a transaction
      // queued after it sends BEGIN.
      this.#waiting.push({
        transaction: false,
        start: () => void this.#call(body).then(resolveCall, reject),
      });
    });
  }

  #transactionEnded(): void {
    this.#transactionActive = false;
    while (this.#waiting.length > 0 && !this.#transactionActive) {
      const next = this.#waiting.shift()!;
      if (next.transaction) this.#transactionActive = true;
      next.start();
    }
  }

  async #rollback(tx: number): Promise<void> {
    try {
      await this.#call({ op: 'rollback', tx });
    } catch {
      // The caller's error is the one to report; a worker that is gone has dropped the transaction.
    }
  }

  #call(body: RequestBody): Promise<OkReply> {
    if (this.#down !== undefined) return Promise.reject(this.#unavailable());
    const id = this.#nextId++;
    const request: Request = { ...body, id };
    return new Promise<OkReply>((resolveCall, reject) => {
      this.#pending.set(id, { resolve: resolveCall, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage(request);
      } catch (error) {
        // A parameter that cannot be cloned (a function, a class with private state …).
        this.#settle(id);
        reject(new DatabaseError(`parameter cannot be sent to the database: ${messageOf(error)}`, undefined));
      }
    });
  }

  #onReply(message: Reply | Lifecycle): void {
    if (!('id' in message)) return;
    const pending = this.#settle(message.id);
    if (!pending) return;
    if (message.ok) pending.resolve(message);
    else if (message.error.fatal) {
      this.#fail(`PGlite failed: ${message.error.message}`);
      pending.reject(this.#unavailable());
    } else pending.reject(new RemoteFailure(message.error));
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    return pending;
  }

  /** The worker is gone: every call waiting for it, and every later one, gets database.unavailable. */
  #fail(reason: string): void {
    this.#down ??= reason;
    const error = this.#unavailable();
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(error);
    }
    // Let everything at the gate through: each call now rejects at once.
    this.#transactionEnded();
  }

  #unavailable() {
    return databaseUnavailable({ target: this.dataDir, reason: this.#down ?? 'unknown' });
  }
}

/** A statement's failure as the worker reported it; located() turns it into a DatabaseError. */
class RemoteFailure {
  readonly error: SerializedError;
  constructor(error: SerializedError) {
    this.error = error;
  }
}

/**
 * Awaits a call and creates the DatabaseError here rather than in the message handler, so that
 * its stack runs through the caller's await chain instead of the worker's message event.
 */
async function located<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof RemoteFailure) throw toDatabaseError(error.error);
    throw error;
  }
}

function toDatabaseError(error: SerializedError): DatabaseError {
  return new DatabaseError(error.message, error.sqlState, {
    detail: error.detail,
    hint: error.hint,
    constraint: error.constraint,
    table: error.table,
    column: error.column,
    schema: error.schema,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
