/**
 * The Database port: PostgreSQL SQL, served by PGlite (embedded, in a worker thread) or by a
 * PostgreSQL server. Both adapters pass the same contract suite (database.contract.ts).
 *
 * Conventions every adapter keeps, so callers never care which one they talk to:
 * - parameters are positional ($1, $2 …);
 * - int2/int4 come back as number, int8/numeric as string (cast to ::int where a number is wanted),
 *   timestamptz as Date, jsonb as parsed JSON, bytea as Uint8Array, boolean as boolean;
 *   date and timestamp (without time zone) as the string PostgreSQL prints ('2024-05-01',
 *   '2024-05-01 08:30:00'): they name no instant, so a Date would invent a time zone;
 *   arrays as arrays of the element's value;
 * - the session time zone is UTC on both, so SQL such as now()::date gives the same answer;
 * - a parameter that is a JS array is a PostgreSQL array: pass JSON.stringify(list) for a jsonb
 *   array (an object is sent as JSON on both);
 * - query() runs exactly one statement (extended protocol on both); exec() runs a script;
 * - a failed statement rejects with a DatabaseError carrying PostgreSQL's SQLSTATE in `sqlState`;
 *   losing the database itself (server unreachable, PGlite worker gone) rejects with the AppError
 *   database.unavailable instead.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** How a statement is run; a hint for speed, never a change of its result. */
export interface QueryOptions {
  /**
   * Plan the statement once for any parameter values (PostgreSQL's generic plan) instead of afresh
   * for each call's. For a hot statement whose best plan does not depend on its values (look-ups
   * by key, ids in an array) and which PostgreSQL would otherwise plan on every call: PGlite, whose
   * planner runs in WebAssembly, took 2–3 ms to plan the statements around a search that then ran
   * in 1–2 (a search's statement at 1M records 5.1 -> 2.3 ms). PGlite honours it; on a server,
   * where planning costs a tenth of that, it is ignored.
   */
  genericPlan?: boolean;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
}

/** The handle of one open transaction; it refuses statements once the transaction has ended. */
export interface Transaction extends Queryable {
  /** Runs several statements separated by semicolons inside the transaction (a migration's file). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn in one transaction (READ COMMITTED); commits if it resolves, rolls back if it throws.
   * Inside fn use tx only: a statement on the Database itself from inside fn is refused
   * (database.outside_transaction), because on PGlite it would wait for the very transaction it
   * runs in. A COMMIT that PostgreSQL turns into a rollback (a statement of fn failed and fn caught
   * it) rejects with sqlState 25P02.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** What PostgreSQL tells beside the message; the constraint name is what a caller maps to its own error. */
export interface DatabaseErrorFields {
  detail?: string | undefined;
  hint?: string | undefined;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  schema?: string | undefined;
}

export class DatabaseError extends Error {
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly schema: string | undefined;
  constructor(
    message: string,
    sqlState: string | undefined,
    options?: { cause?: unknown } & DatabaseErrorFields,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DatabaseError';
    this.sqlState = sqlState;
    this.detail = options?.detail;
    this.hint = options?.hint;
    this.constraint = options?.constraint;
    this.table = options?.table;
    this.column = options?.column;
    this.schema = options?.schema;
  }
}
