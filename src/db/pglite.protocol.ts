/**
 * The messages between the PGlite adapter (main thread) and its worker. Every request carries an id
 * the reply repeats; statements of a transaction carry its number so that the worker can refuse
 * one that arrives after the transaction ended.
 */

/**
 * A compiled WebAssembly.Module. The project's TypeScript libraries (es2024 + node) declare no
 * WebAssembly types, so the adapters pass it along as an opaque object.
 */
export type WasmModule = object;

/** The WebAssembly global, typed for the two members the database code uses. */
export const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<WasmModule>;
      RuntimeError: abstract new (...args: never[]) => Error;
    };
  }
).WebAssembly;

export interface WorkerInit {
  dataDir: string;
  /** extra `-c name=value` settings for the PostgreSQL backend */
  settings: Record<string, string>;
  /** extra initdb arguments, used only when the folder holds no database yet */
  initdbArgs?: string[] | undefined;
  /** the compiled pglite.wasm, shared so that each worker need not compile it again */
  wasmModule?: WasmModule | undefined;
}

export type Request =
  | {
      id: number;
      op: 'query';
      sql: string;
      params: readonly unknown[];
      tx?: number | undefined;
      /** plan it once for any values (QueryOptions.genericPlan) */
      generic?: boolean | undefined;
    }
  | { id: number; op: 'exec'; sql: string; tx?: number | undefined }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

/** A PostgreSQL error as plain data (an Error's own fields do not survive postMessage). */
export interface SerializedError {
  message: string;
  sqlState?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  schema?: string | undefined;
  /** PGlite itself is broken (WASM trap, closed): the worker ends after this reply. */
  fatal?: boolean;
}

export type Reply =
  | { id: number; ok: true; rows: Record<string, unknown>[]; rowCount: number }
  | { id: number; ok: false; error: SerializedError };

export type Lifecycle = { op: 'ready' } | { op: 'failed'; message: string };
