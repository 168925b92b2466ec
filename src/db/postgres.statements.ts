/**
 * Named prepared statements on the connections of a node-postgres pool: each connection prepares a
 * SQL text once, under a name of its own, and then only binds and executes it.
 *
 * Why: PostgreSQL parses, analyses and plans an unnamed statement on every call, and for the
 * statements of a request (the credential look-up, the related-records statement, a search's
 * visibility filter) that costs more than running them. A named statement is parsed once per
 * connection and, from its sixth run, uses a cached generic plan when that is estimated no worse
 * than planning afresh (plan_cache_mode auto) — what the PGlite worker already does.
 *
 * How node-postgres is used: a query config with `name` sends Parse only the first time a
 * connection sees that name, which it remembers in `connection.parsedStatements` (name → text) and
 * never forgets by itself (brianc/node-postgres#1889). So:
 * - names are never reused on a connection (d1, d2, …), so a name can never stand for another text;
 * - each connection keeps at most `max` statements, least recently used evicted first, in batches;
 *   an evicted statement is removed from node-postgres' map at once and DEALLOCATEd on the server
 *   when the connection is next outside a transaction block (an aborted transaction refuses even
 *   DEALLOCATE), so neither side grows without bound however many texts are run (IN lists …);
 * - whether a statement is prepared after a failed call is read from node-postgres' map (Parse may
 *   have failed — syntax, a missing table, an aborted transaction — or succeeded before Bind failed);
 * - a schema change made through the adapter (exec, DDL in query) retires every connection's
 *   statements before their next use, as the PGlite worker does. PostgreSQL re-plans a cached
 *   statement itself when a table changes, but refuses one whose result columns changed (0A000
 *   "cached plan must not change result type", e.g. after another process's ALTER TABLE): outside
 *   a transaction block the statement is then prepared again and run once more (see run()).
 * A connection the pool replaces takes its statements with it (the map is a WeakMap on the client).
 */
import pg from 'pg';

/** Statements kept per connection, by default: the program has ~220 statement sites. */
export const DEFAULT_PREPARED_STATEMENTS = 256;

/** a statement that may change the shape of a table: run unnamed, and retire what was prepared */
export const SCHEMA_CHANGE = /^\s*(ALTER|CREATE|DROP|COMMENT|TRUNCATE|DO|IMPORT)\b/i;

/** "cached plan must not change result type" (feature_not_supported) */
const RESULT_TYPE_CHANGED = '0A000';

interface Entry {
  readonly sql: string;
  readonly name: string;
  /** calls in flight using it (on one connection only inside a transaction: Promise.all on tx) */
  users: number;
  /** still in the map; once retired it is forgotten when its last user is done */
  live: boolean;
}

/** One connection's statements. */
class ConnectionStatements {
  /** SQL text → statement, least recently used first */
  readonly entries = new Map<string, Entry>();
  /** names forgotten here and by node-postgres, still prepared on the server */
  readonly retired: string[] = [];
  generation: number;
  /** set when a call failed in a way that leaves the statements in doubt: the connection is dropped */
  doubtful = false;
  #next = 0;
  readonly #parsed: Record<string, string>;

  constructor(parsed: Record<string, string>, generation: number) {
    this.#parsed = parsed;
    this.generation = generation;
  }

  isPrepared(name: string): boolean {
    return this.#parsed[name] !== undefined;
  }

  /** The statement for sql, new (not yet parsed) or most recently used now; its user count taken. */
  take(sql: string, max: number): Entry {
    let entry = this.entries.get(sql);
    if (entry) {
      this.entries.delete(sql);
    } else {
      entry = { sql, name: `d${++this.#next}`, users: 0, live: true };
      if (this.entries.size >= max) this.#evict(max);
    }
    this.entries.set(sql, entry);
    entry.users++;
    return entry;
  }

  done(entry: Entry): void {
    entry.users--;
    if (!entry.live && entry.users === 0) this.#forget(entry);
  }

  retire(entry: Entry): void {
    if (!entry.live) return;
    entry.live = false;
    if (this.entries.get(entry.sql) === entry) this.entries.delete(entry.sql);
    if (entry.users === 0) this.#forget(entry);
  }

  retireAll(): void {
    for (const entry of [...this.entries.values()]) this.retire(entry);
  }

  /** The least recently used eighth (statements in use are skipped: they go when done). */
  #evict(max: number): void {
    let count = Math.max(1, Math.ceil(max / 8));
    for (const entry of [...this.entries.values()]) {
      if (count === 0) break;
      if (entry.users > 0) continue;
      this.retire(entry);
      count--;
    }
  }

  #forget(entry: Entry): void {
    if (!this.isPrepared(entry.name)) return;
    delete this.#parsed[entry.name];
    this.retired.push(entry.name);
  }
}

/** The node-postgres client's record of parsed statement names, if this version has it where expected. */
function parsedStatementsOf(client: pg.ClientBase): Record<string, string> | undefined {
  const connection = (client as unknown as { connection?: { parsedStatements?: unknown } }).connection;
  const parsed = connection?.parsedStatements;
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, string>) : undefined;
}

/** A statement prepared before a schema change that PostgreSQL refused to run (cause: its error). */
class StaleStatement extends Error {
  declare readonly cause: pg.DatabaseError;
  constructor(cause: pg.DatabaseError) {
    super(cause.message, { cause });
  }
}

export class PreparedStatements {
  /** statements per connection; 0: every statement unnamed (planned on every call) */
  readonly max: number;
  readonly #connections = new WeakMap<pg.ClientBase, ConnectionStatements>();
  /** bumped by every schema change: a connection's statements of an older generation are retired */
  #generation = 0;

  constructor(max: number) {
    this.max = Math.max(0, Math.trunc(max));
  }

  /** A schema change was made (or seen): every connection prepares its statements again. */
  schemaChanged(): void {
    this.#generation++;
  }

  /**
   * Runs one statement on client with the extended protocol, named unless preparation is off or it
   * changes the schema. A cached statement refused with 0A000 (its table changed) is prepared again
   * and run once more: outside a transaction block (`transaction` undefined) at once — the refusal
   * comes at Bind, before the statement did anything, and the implicit transaction has been rolled
   * back; inside one only when `transaction.restart()` could begin it afresh (it was the first
   * statement), else the error stands and the transaction is aborted.
   */
  async run(
    client: pg.ClientBase,
    sql: string,
    params: readonly unknown[],
    transaction?: { restart(): Promise<boolean> },
  ): Promise<pg.QueryResult> {
    const values = [...params];
    const unnamed = () => client.query({ text: sql, values, queryMode: 'extended' } as pg.QueryConfig);
    if (this.max === 0) return unnamed();
    if (SCHEMA_CHANGE.test(sql)) {
      try {
        return await unnamed();
      } finally {
        this.schemaChanged();
      }
    }
    const statements = this.#current(client);
    if (!statements) return unnamed();
    try {
      return await this.#named(client, statements, sql, values);
    } catch (error) {
      if (!(error instanceof StaleStatement)) throw error;
      // A table changed under the statement (another process's DDL): so it did under others.
      this.schemaChanged();
      if (transaction && !(await transaction.restart())) throw error.cause;
      try {
        return await this.#named(client, this.#current(client)!, sql, values);
      } catch (again) {
        throw again instanceof StaleStatement ? again.cause : again;
      }
    }
  }

  /** bumped by every schema change made or seen through this pool */
  get generation(): number {
    return this.#generation;
  }

  async #named(
    client: pg.ClientBase,
    statements: ConnectionStatements,
    sql: string,
    values: unknown[],
  ): Promise<pg.QueryResult> {
    const entry = statements.take(sql, this.max);
    const wasPrepared = statements.isPrepared(entry.name);
    try {
      return await client.query({ name: entry.name, text: sql, values });
    } catch (error) {
      if (!(error instanceof pg.DatabaseError)) {
        // Not the server's answer: a parameter node-postgres could not serialise (it then closes
        // the statement on the server without forgetting it), a type parser that threw, a lost
        // connection. The statement is forgotten here and the connection is not reused.
        statements.doubtful = true;
        statements.retire(entry);
      } else if (!statements.isPrepared(entry.name)) {
        // Parse failed: nothing to keep.
        statements.retire(entry);
      } else if (wasPrepared && error.code === RESULT_TYPE_CHANGED) {
        statements.retire(entry);
        throw new StaleStatement(error);
      }
      throw error;
    } finally {
      statements.done(entry);
    }
  }

  /** The client's statements, those of an older schema generation retired first. */
  #current(client: pg.ClientBase): ConnectionStatements | undefined {
    let statements = this.#connections.get(client);
    if (!statements) {
      const parsed = parsedStatementsOf(client);
      if (!parsed) return undefined;
      statements = new ConnectionStatements(parsed, this.#generation);
      this.#connections.set(client, statements);
    } else if (statements.generation !== this.#generation) {
      statements.retireAll();
      statements.generation = this.#generation;
    }
    return statements;
  }

  /**
   * Call when client is outside a transaction block, before it goes back to the pool: DEALLOCATEs
   * the statements it no longer keeps. Throws when the connection should not be reused (its
   * statements are in doubt, or DEALLOCATE failed).
   */
  async tidy(client: pg.ClientBase): Promise<void> {
    const statements = this.#connections.get(client);
    if (!statements) return;
    if (statements.doubtful) throw new Error('the prepared statements of this connection are in doubt');
    if (statements.retired.length === 0) return;
    const names = statements.retired.splice(0);
    await client.query(names.map((name) => `DEALLOCATE ${name}`).join('; '));
  }
}
