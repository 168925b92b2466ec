/**
 * The Database port on a PostgreSQL server, through a node-postgres pool. Its type parsers are set
 * per pool (not on pg's global registry, which other code may share) to give the same values as
 * the PGlite adapter (values.ts); the session time zone is UTC on both.
 */
import pg from 'pg';
import type { CustomTypesConfig, PoolClient } from 'pg';
import { databaseUnavailable } from './database.errors.ts';
import type { Database, QueryOptions, QueryResult, Transaction } from './database.port.ts';
import { DatabaseError } from './database.port.ts';
import {
  assertOpen,
  refuseInsideOwnTransaction,
  runInTransactionScope,
  type TransactionScope,
} from './transaction-guard.ts';
import { DEFAULT_PREPARED_STATEMENTS, PreparedStatements } from './postgres.statements.ts';
import { ARRAY_ELEMENT, ELEMENT_PARSERS } from './values.ts';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database[?…] */
  url: string;
  /** connections in the pool; default 10 */
  max?: number;
  /** how long opening a connection may take before the server counts as unreachable; default 10 s */
  connectTimeoutMs?: number;
  /**
   * Named prepared statements kept per connection, least recently used evicted (postgres.statements.ts);
   * default 256. 0: none, every statement is planned on every call.
   */
  preparedStatements?: number;
}

/**
 * Opens a pool on the server at options.url and checks that a connection works: an unreachable
 * server or refused credentials throw database.unavailable naming host:port/database (never the
 * password).
 */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  const target = describeTarget(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: { getTypeParser: getTypeParser as CustomTypesConfig['getTypeParser'] },
    // The same session time zone as PGlite, so that now()::date and to_char() agree on both.
    options: '-c TimeZone=UTC',
  });
  // An idle connection dropped by the server emits here; without a listener the process would
  // crash. The next query opens a fresh connection, or reports the server unavailable.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw unavailable(target, error);
  }
  return new PostgresDatabase(pool, target, options.preparedStatements ?? DEFAULT_PREPARED_STATEMENTS);
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  /** host:port/database, for messages */
  readonly target: string;
  readonly #pool: pg.Pool;
  readonly #statements: PreparedStatements;
  #closed = false;

  constructor(pool: pg.Pool, target: string, preparedStatements = DEFAULT_PREPARED_STATEMENTS) {
    this.#pool = pool;
    this.target = target;
    this.#statements = new PreparedStatements(preparedStatements);
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    // A server plans in a tenth of PGlite's time: QueryOptions.genericPlan is not needed here.
    _options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    this.#checkUsable();
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      return await this.#run<Row>(client, sql, params);
    } catch (error) {
      if (databaseUnavailable.is(error)) broken = error;
      throw error;
    } finally {
      await this.#release(client, broken);
    }
  }

  async exec(sql: string): Promise<void> {
    this.#checkUsable();
    try {
      await this.#script(this.#pool, sql);
    } finally {
      // a script (a migration) may change any table
      this.#statements.schemaChanged();
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.#checkUsable();
    const client = await this.#connect();
    const generation = this.#statements.generation;
    const scope: TransactionScope = { owner: this, open: false };
    /** statements started in the transaction: the first one may begin it again (#run) */
    let started = 0;
    const restartable = {
      restart: async () => {
        if (started !== 1 || !scope.open) return false;
        await this.#script(client, 'ROLLBACK');
        await this.#script(client, 'BEGIN');
        return true;
      },
    };
    // A connection whose ROLLBACK failed is in an unknown state: it is destroyed, not reused.
    let broken: Error | undefined;
    try {
      await this.#script(client, 'BEGIN');
      scope.open = true;
      const handle: Transaction = {
        query: async <Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => {
          assertOpen(scope);
          started++;
          return this.#run<Row>(client, sql, params, restartable);
        },
        exec: async (sql: string) => {
          assertOpen(scope);
          started++;
          try {
            await this.#script(client, sql);
          } finally {
            this.#statements.schemaChanged();
          }
        },
      };
      let result: T;
      try {
        result = await runInTransactionScope(scope, () => fn(handle));
      } catch (error) {
        scope.open = false;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      }
      scope.open = false;
      const commit = await this.#script(client, 'COMMIT');
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error.
      if (commit.command === 'ROLLBACK') {
        throw new DatabaseError(
          'the transaction was aborted by an earlier error and has been rolled back',
          '25P02',
        );
      }
      return result;
    } catch (error) {
      if (databaseUnavailable.is(error)) broken ??= error;
      throw error;
    } finally {
      scope.open = false;
      // Its schema changes are now visible (or undone): statements prepared meanwhile elsewhere go too.
      if (this.#statements.generation !== generation) this.#statements.schemaChanged();
      await this.#release(client, broken);
    }
  }

  /** Ends the pool after the queries in flight finish. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #checkUsable(): void {
    refuseInsideOwnTransaction(this);
    if (this.#closed) throw databaseUnavailable({ target: this.target, reason: 'the database is closed' });
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw unavailable(this.target, error);
    }
  }

  /**
   * Gives client back to the pool outside a transaction block, after DEALLOCATing the statements it
   * no longer keeps; a broken connection, or one whose statements are in doubt, is closed instead.
   */
  async #release(client: PoolClient, broken: Error | undefined): Promise<void> {
    if (!broken) {
      try {
        await this.#statements.tidy(client);
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
      }
    }
    client.release(broken);
  }

  /**
   * One statement, always with the extended protocol, as on PGlite (a second statement is an
   * error); a prepared one per SQL text and connection (postgres.statements.ts).
   */
  async #run<Row>(
    client: PoolClient,
    sql: string,
    params: readonly unknown[],
    transaction?: { restart(): Promise<boolean> },
  ): Promise<QueryResult<Row>> {
    try {
      const result = await this.#statements.run(client, sql, params, transaction);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw this.#translate(error);
    }
  }

  /** Several statements: the simple protocol, without parameters. */
  async #script(on: pg.Pool | PoolClient, sql: string): Promise<{ command: string | undefined }> {
    try {
      const result = (await on.query(sql)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { command: last?.command };
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): unknown {
    if (error instanceof pg.DatabaseError) {
      return new DatabaseError(error.message, error.code, {
        cause: error,
        detail: error.detail,
        hint: error.hint,
        constraint: error.constraint,
        table: error.table,
        column: error.column,
        schema: error.schema,
      });
    }
    if (isConnectionError(error)) return unavailable(this.target, error);
    return error;
  }
}

function getTypeParser(oid: number, format?: string): (text: string) => unknown {
  if (format !== 'binary') {
    const element = ELEMENT_PARSERS[oid];
    if (element) return element;
    const elementOid = ARRAY_ELEMENT[oid];
    if (elementOid !== undefined) return arrayParser(ELEMENT_PARSERS[elementOid]!);
  }
  return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
}

const TEXT_ARRAY = 1009;

/** pg's own text[] parser splits the literal; each element then goes through the element parser. */
function arrayParser(element: (text: string) => unknown): (text: string) => unknown {
  const splitText = pg.types.getTypeParser(
    TEXT_ARRAY as Parameters<typeof pg.types.getTypeParser>[0],
    'text',
  ) as (text: string) => unknown;
  const map = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(map) : value === null ? null : element(value as string);
  return (text) => map(splitText(text));
}

/**
 * Errors that mean the server, not the statement, failed: no connection, a dropped one, a refused
 * login (28xxx), a missing database (3D000), the server shutting down (57P0x), too many clients.
 */
function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^E[A-Z]+$/.test(code)) return true;
  if (/^(28|08)/.test(code) || ['3D000', '57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error/i.test(
    message,
  );
}

function unavailable(target: string, error: unknown) {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  // Node reports a failed connection to a name with several addresses as an AggregateError
  // with an empty message; its parts tell what happened.
  const parts = error instanceof AggregateError ? error.errors.map((part) => messageOf(part)) : [];
  const message = parts.length > 0 ? parts.join('; ') : messageOf(error);
  const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
  return databaseUnavailable({ target, reason: `${redact(message)}${code}` }, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/** host:port/database from the URL; user and password are left out of every message. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    const port = parsed.port || '5432';
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return `${host}:${port}${database ? `/${database}` : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** A driver message could quote the URL it was given; its credentials are masked. */
function redact(message: string): string {
  return message.replace(/(postgres(?:ql)?:\/\/)[^@/\s]*@/gi, '$1***@');
}
