/**
 * The errors of the database layer. Codes are stable: the server maps database.unavailable to 503
 * and operators search logs for them. A failed SQL statement is not one of these: it rejects with
 * the port's DatabaseError carrying PostgreSQL's SQLSTATE.
 */
import { createErrorFactory } from '../app/errors.ts';

/**
 * The database cannot be reached or has stopped: the server refuses or is unreachable, the
 * credentials are wrong, or the PGlite worker has ended. {target} is host:port/database or the data
 * folder, never a password.
 */
export const databaseUnavailable = createErrorFactory({
  code: 'database.unavailable',
  status: 503,
  zh: '数据库（{target}）不可用：{reason}',
  en: 'The database ({target}) is unavailable: {reason}',
});

/** Another process holds the PGlite data folder; two PGlite instances on one folder corrupt it. */
export const databaseInUse = createErrorFactory({
  code: 'database.in_use',
  status: 409,
  zh: '数据目录 {dataDir} 正被主机 {hostname} 上的进程 {pid} 使用。请先停止该进程；若确认它已不在运行，可删除 {lockFile} 后重试。',
  en: 'The data folder {dataDir} is in use by process {pid} on host {hostname}. Stop that process first; if you are sure it is gone, delete {lockFile} and retry.',
});

/** A URL that is not postgres:// or postgresql:// reached openDatabase. */
export const databaseUrlInvalid = createErrorFactory({
  code: 'database.url_invalid',
  status: 500,
  zh: '数据库地址无效，应以 postgres:// 或 postgresql:// 开头。',
  en: 'Invalid database URL: it must start with postgres:// or postgresql://.',
});

/**
 * A statement was sent to the Database from inside one of its own transactions. On PGlite (one
 * connection) it would wait for the transaction it is part of, for ever; use the tx handle.
 */
export const databaseOutsideTransaction = createErrorFactory({
  code: 'database.outside_transaction',
  status: 500,
  zh: '在事务内部直接调用了数据库（应使用事务句柄 tx），该语句已被拒绝。',
  en: 'A statement was sent to the database from inside one of its transactions (use the tx handle); it was refused.',
});

/** A transaction handle was used after its transaction had committed or rolled back. */
export const databaseTransactionFinished = createErrorFactory({
  code: 'database.transaction_finished',
  status: 500,
  zh: '事务已经结束，不能再通过它执行语句。',
  en: 'The transaction has already ended; no statement can run through it.',
});

/** An applied migration's file changed afterwards: the schema no longer matches its history. */
export const migrationChanged = createErrorFactory({
  code: 'database.migration_changed',
  status: 500,
  zh: '迁移文件 {file} 在应用到数据库后被修改（校验和不一致）。已发布的迁移不得修改，请新增迁移文件。',
  en: 'The migration {file} changed after it was applied (checksum mismatch). Released migrations must not change; add a new one instead.',
});

/** The database has a migration this program lacks: it was upgraded by a newer program. */
export const migrationMissing = createErrorFactory({
  code: 'database.migration_missing',
  status: 500,
  zh: '数据库已应用迁移 {file}，但本程序中没有该文件：数据库结构比本程序新，请使用更新版本的程序。',
  en: 'The database has migration {file}, which this program lacks: its schema is newer than this program. Run a newer version.',
});

/** A pending migration is numbered below one already applied: the histories diverged. */
export const migrationOutOfOrder = createErrorFactory({
  code: 'database.migration_out_of_order',
  status: 500,
  zh: '迁移 {file} 尚未应用，但数据库已应用了更晚的迁移 {current}；迁移只能按编号向前追加。',
  en: 'The migration {file} is pending although the database already has the later {current}; migrations may only be added after the last one.',
});

/** A migration's SQL failed; its transaction rolled back, so it left nothing behind. */
export const migrationFailed = createErrorFactory({
  code: 'database.migration_failed',
  status: 500,
  zh: '迁移 {file} 执行失败，已回滚：{message}',
  en: 'The migration {file} failed and was rolled back: {message}',
});

/** The migrations folder is missing or holds a badly named or duplicated file. */
export const migrationInvalid = createErrorFactory({
  code: 'database.migration_invalid',
  status: 500,
  zh: '迁移目录 {dir} 无效：{reason}',
  en: 'The migrations folder {dir} is invalid: {reason}',
});
