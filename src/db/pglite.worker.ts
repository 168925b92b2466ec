/**
 * The PGlite worker: one PGlite (PostgreSQL compiled to WASM) on a data folder, run off the main
 * thread because PGlite executes a query synchronously on the thread that calls it — a slow query
 * there would stall every HTTP request. Requests are handled strictly one after another, in the
 * order they arrive, which is also the order the adapter's transaction gate sent them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import {
  wasm,
  type Lifecycle,
  type Reply,
  type Request,
  type SerializedError,
  type WorkerInit,
} from './pglite.protocol.ts';
import { ELEMENT_PARSERS } from './values.ts';

const port = parentPort;
if (!port) throw new Error('pglite.worker.ts must run in a worker thread');
const init = workerData as WorkerInit;

const settings = Object.entries({ TimeZone: 'UTC', ...init.settings }).flatMap(([name, value]) => [
  '-c',
  `${name}=${value}`,
]);

/** PostgreSQL's last stderr lines: when start-up fails they say why, PGlite's own error does not. */
const recentLog: string[] = [];
const remember = (line: string): boolean => {
  if (line.trim()) recentLog.push(line.trim());
  if (recentLog.length > 50) recentLog.shift();
  return false;
};

let pg!: PGlite;
try {
  pg = await PGlite.create({
    onStderr: remember,
    dataDir: init.dataDir,
    parsers: ELEMENT_PARSERS,
    startParams: [...PGlite.defaultStartParams, ...settings],
    ...(init.initdbArgs ? { initDbStartParams: init.initdbArgs } : {}),
    ...(init.wasmModule ? { pgliteWasmModule: init.wasmModule as PGliteOptions['pgliteWasmModule'] } : {}),
  });
} catch (error) {
  // Reported, not rethrown: the adapter turns it into database.unavailable; the worker then ends
  // on its own once the port is closed.
  const severe = recentLog.filter((line) => /\b(FATAL|PANIC|ERROR):/.test(line));
  const reasons = (severe.length > 0 ? severe : recentLog).slice(-2);
  const message = [messageOf(error), ...reasons].join(' — ');
  port.postMessage({ op: 'failed', message } satisfies Lifecycle);
  port.close();
  process.exitCode = 1;
}

/** The transaction now open, by the adapter's number; statements of any other one are refused. */
let openTx: number | undefined;
let queue: Promise<void> = Promise.resolve();

if (pg) {
  port.on('message', (request: Request) => {
    queue = queue.then(() => handle(request));
  });
  port.postMessage({ op: 'ready' } satisfies Lifecycle);
}

async function handle(request: Request): Promise<void> {
  let reply: Reply;
  try {
    reply = { id: request.id, ok: true, ...(await run(request)) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: serialize(error) };
  }
  port!.postMessage(reply);
  if (request.op === 'close' || (!reply.ok && reply.error.fatal)) port!.close();
}

async function run(request: Request): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
  switch (request.op) {
    case 'query': {
      checkTransaction(request.tx);
      const result = await pg.query<Record<string, unknown>>(request.sql, [...request.params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    }
    case 'exec':
      checkTransaction(request.tx);
      await pg.exec(request.sql);
      return none();
    case 'begin':
      if (openTx !== undefined) throw new Error(`transaction ${openTx} is still open`);
      await pg.exec('BEGIN');
      openTx = request.tx;
      return none();
    case 'commit': {
      checkTransaction(request.tx);
      openTx = undefined;
      const [result] = await pg.exec('COMMIT');
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error.
      if (result?.command === 'ROLLBACK') throw abortedTransaction();
      return none();
    }
    case 'rollback':
      checkTransaction(request.tx);
      openTx = undefined;
      await pg.exec('ROLLBACK');
      return none();
    case 'close':
      await pg.close();
      return none();
  }
}

function checkTransaction(tx: number | undefined): void {
  if (tx !== openTx) {
    throw new Error(
      tx === undefined
        ? `a statement outside transaction ${openTx} reached the worker while it was open`
        : `transaction ${tx} is not open`,
    );
  }
}

function none() {
  return { rows: [], rowCount: 0 };
}

function abortedTransaction(): Error {
  return Object.assign(
    new Error('the transaction was aborted by an earlier error and has been rolled back'),
    {
      code: '25P02',
    },
  );
}

/** Keeps what PostgreSQL said; a WASM trap or a closed PGlite is fatal, the worker ends after it. */
function serialize(error: unknown): SerializedError {
  const e = (error ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof e[key] === 'string' ? e[key] : undefined);
  const fatal = error instanceof wasm.RuntimeError || pg.closed;
  return {
    message: messageOf(error),
    sqlState: text('code'),
    detail: text('detail'),
    hint: text('hint'),
    constraint: text('constraint'),
    table: text('table'),
    column: text('column'),
    schema: text('schema'),
    ...(fatal ? { fatal: true } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
