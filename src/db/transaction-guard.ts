/**
 * What both adapters do around a transaction's callback: remember, for the code running inside it,
 * which database and transaction it belongs to, so that a statement sent to the database itself
 * from there is refused at once instead of waiting for ever on PGlite's single connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { databaseOutsideTransaction, databaseTransactionFinished } from './database.errors.ts';

export interface TransactionScope {
  readonly owner: object;
  open: boolean;
}

const scopes = new AsyncLocalStorage<TransactionScope>();

/** Runs fn inside the scope of one transaction of owner (the adapter instance). */
export function runInTransactionScope<T>(scope: TransactionScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

/**
 * Throws database.outside_transaction when called from inside an open transaction of owner. Code
 * that merely started there and runs after the transaction ended is let through.
 */
export function refuseInsideOwnTransaction(owner: object): void {
  const scope = scopes.getStore();
  if (scope && scope.owner === owner && scope.open) throw databaseOutsideTransaction();
}

/** Throws database.transaction_finished when a handle is used after its transaction ended. */
export function assertOpen(scope: TransactionScope): void {
  if (!scope.open) throw databaseTransactionFinished();
}
