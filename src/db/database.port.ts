/**
 * The Database port: PostgreSQL SQL, served by PGlite (embedded, in a worker thread) or by a
 * PostgreSQL server. Both adapters pass the same contract suite (database.contract.ts).
 *
 * Conventions every adapter keeps, so callers never care which one they talk to:
 * - parameters are positional ($1, $2 …);
 * - int2/int4 come back as number, int8/numeric as string (cast to ::int where a number is wanted),
 *   timestamptz as Date, jsonb as parsed JSON, bytea as Uint8Array, boolean as boolean;
 * - a failed statement rejects with a DatabaseError carrying PostgreSQL's SQLSTATE in `sqlState`.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction (READ COMMITTED); commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  readonly sqlState: string | undefined;
  constructor(message: string, sqlState: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
    this.sqlState = sqlState;
  }
}
