/**
 * The PGlite worker: one PGlite (PostgreSQL compiled to WASM) on a data folder, run off the main
 * thread because PGlite executes a query synchronously on the thread that calls it — a slow query
 * there would stall every HTTP request. Requests are handled strictly one after another, in the
 * order they arrive, which is also the order the adapter's transaction gate sent them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parse, PGlite, protocol, type PGliteOptions } from '@electric-sql/pglite';
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
      const result = await preparedQuery(request.sql, request.params, request.generic === true);
      if (DDL.test(request.sql)) await forgetPrepared();
      return {
        rows: result.rows,
        rowCount: result.rowCount ?? result.rows.length,
      };
    }
    case 'exec':
      checkTransaction(request.tx);
      try {
        await pg.exec(request.sql);
      } finally {
        // a script (a migration) may change any table
        await forgetPrepared();
      }
      return none();
    case 'begin':
      if (openTx !== undefined) throw new Error(`transaction ${openTx} is still open`);
      await pg.exec('BEGIN');
      openTx = request.tx;
      return none();
    case 'commit': {
      checkTransaction(request.tx);
      openTx = undefined;
      await closeForgotten();
      const [result] = await pg.exec('COMMIT');
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error.
      if (result?.command === 'ROLLBACK') throw abortedTransaction();
      return none();
    }
    case 'rollback':
      checkTransaction(request.tx);
      openTx = undefined;
      // A SET made in the transaction is undone with it.
      planMode = undefined;
      await pg.exec('ROLLBACK');
      await closeForgotten();
      return none();
    case 'close':
      await pg.close();
      return none();
  }
}

/**
 * Statements are prepared once per SQL text and kept (the least recently used beyond this many are
 * closed). PostgreSQL compiled to WASM takes longer to plan a statement than to run it — the
 * associative-search statement took 9 ms to plan and 1 ms to run, the credential look-up of every
 * request 1.8 ms and 0.2 ms — and an unnamed statement (what PGlite's query() sends) is planned on
 * every call. A named one is parsed once, and from its sixth run uses a cached generic plan when
 * that is estimated no worse than planning afresh (plan_cache_mode auto). PostgreSQL re-plans by
 * itself when the schema changes; it refuses only a plan whose result columns changed (SELECT *
 * after ALTER TABLE … ADD COLUMN). So after a schema change made here (this is the only connection)
 * every statement is prepared again; should one be refused all the same, outside a transaction it
 * is prepared again and run once more.
 */
const PREPARED_MAX = 500;
const prepared = new Map<string, { name: string; types: number[] }>();
let preparedCount = 0;
const { serialize: wire } = protocol;
/** execProtocolStream without syncing the file system after each message (PGlite's query() does the same) */
const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });

/**
 * The plan_cache_mode in force (undefined: not known, after a rollback). A statement asking for a
 * generic plan (QueryOptions.genericPlan) runs under force_generic_plan, others under auto: the
 * setting is changed only when the next statement wants the other (~0.05 ms), so a run of
 * statements of one kind pays nothing. PostgreSQL reads it when a statement is bound.
 */
let planMode: 'auto' | 'force_generic_plan' | undefined = 'auto';

async function usePlanMode(mode: 'auto' | 'force_generic_plan'): Promise<void> {
  if (planMode === mode) return;
  planMode = undefined;
  await send(wire.query(`SET plan_cache_mode = ${mode}`));
  planMode = mode;
}

function preparedQuery(sql: string, params: readonly unknown[], generic: boolean) {
  return pg._runExclusiveQuery(async () => {
    await usePlanMode(generic ? 'force_generic_plan' : 'auto');
    try {
      return await executePrepared(sql, params);
    } catch (error) {
      if ((error as { code?: unknown }).code !== '0A000' || !prepared.has(sql)) throw error;
      // "cached plan must not change result type": prepare it again, once.
      await closePrepared(sql);
      return executePrepared(sql, params);
    }
  });
}

async function executePrepared(sql: string, params: readonly unknown[]) {
  let statement = prepared.get(sql);
  if (statement) {
    // most recently used last
    prepared.delete(sql);
    prepared.set(sql, statement);
  } else {
    const name = `dangan_${++preparedCount}`;
    let types: number[];
    try {
      await send(wire.parse({ name, text: sql }));
      types = parse.parseDescribeStatementResults(await send(wire.describe({ type: 'S', name })));
    } finally {
      await send(wire.sync());
    }
    statement = { name, types };
    prepared.set(sql, statement);
    if (prepared.size > PREPARED_MAX) await closePrepared(prepared.keys().next().value!);
  }
  // Parameters are sent as text, each serialised for the type PostgreSQL inferred (as query() does).
  const types = statement.types;
  const values = params.map((value, i) => {
    if (value === null || value === undefined) return null;
    const serializer = pg.serializers[types[i]!];
    if (serializer) return serializer(value);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return value.toString();
    return JSON.stringify(value);
  });
  const messages: Awaited<ReturnType<typeof send>> = [];
  try {
    messages.push(...(await send(wire.bind({ statement: statement.name, values }))));
    messages.push(...(await send(wire.describe({ type: 'P' }))));
    messages.push(...(await send(wire.execute({}))));
  } finally {
    messages.push(...(await send(wire.sync())));
  }
  if (openTx === undefined) await pg.syncToFs();
  return parse.parseResults(messages, pg.parsers)[0]!;
}

/** a statement that may change the shape of a table */
const DDL = /^\s*(ALTER|CREATE|DROP|COMMENT|TRUNCATE|DO)\b/i;
/** prepared statements no longer used, closed once no transaction is open */
const forgotten: string[] = [];

async function forgetPrepared(): Promise<void> {
  for (const statement of prepared.values()) forgotten.push(statement.name);
  prepared.clear();
  if (openTx === undefined) await closeForgotten();
}

async function closeForgotten(): Promise<void> {
  if (forgotten.length === 0) return;
  const names = forgotten.splice(0);
  try {
    for (const name of names) await send(wire.close({ type: 'S', name }));
  } finally {
    await send(wire.sync());
  }
}

async function closePrepared(sql: string): Promise<void> {
  const statement = prepared.get(sql);
  if (!statement) return;
  prepared.delete(sql);
  try {
    await send(wire.close({ type: 'S', name: statement.name }));
  } finally {
    await send(wire.sync());
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
