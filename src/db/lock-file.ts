/**
 * The guard of a PGlite data folder: `<dataDir>/.lock` names the host and process that hold it.
 * PGlite has no postmaster to refuse a second backend, so two processes on one folder would both
 * write its files and corrupt it; this file is what stops the second one.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { databaseInUse } from './database.errors.ts';

/** What the lock file holds (JSON). token tells this holder's file from a later one with the same pid. */
export interface LockOwner {
  hostname: string;
  pid: number;
  startedAt: string;
  token: string;
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still this holder's; safe to call twice. */
  release(): void;
}

/** Lock files this process holds, by path → token: removed at exit, and how a same-pid file is judged. */
const held = new Map<string, string>();
let exitHookInstalled = false;

/**
 * Takes `<dataDir>/.lock` for this process, or throws database.in_use naming the holder. A lock left
 * by a process that no longer runs on this host (or by an earlier process with this very pid, as
 * after a container restart) is stale and taken over. A lock from another host cannot be checked
 * and is always respected.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, '.lock');
  const owner: LockOwner = {
    hostname: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  // A few rounds: each lost race (the file vanished, or a stale one was taken over) starts again.
  for (let round = 0; round < 5; round++) {
    if (tryCreate(path, owner)) return hold(path, owner);
    const current = readOwner(path);
    if (current === 'missing') continue;
    if (current === 'unreadable' || !isStale(path, current)) throw inUse(dataDir, path, current);
    takeOverStale(path, current);
  }
  throw inUse(dataDir, path, readOwner(path));
}

/** Creates the lock file with its content in one step, so no reader ever sees it empty. */
function tryCreate(path: string, owner: LockOwner): boolean {
  const temp = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(temp, JSON.stringify(owner) + '\n');
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    // Filesystems without hard links (FAT, some network shares): exclusive create instead; the
    // content is written just after, a window a concurrent reader treats as "unreadable, in use".
    if (['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV'].includes(code(error) ?? '')) {
      try {
        writeFileSync(path, JSON.stringify(owner) + '\n', { flag: 'wx' });
        return true;
      } catch (inner) {
        if (code(inner) === 'EEXIST') return false;
        throw inner;
      }
    }
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

function readOwner(path: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.hostname === 'string' && typeof value.pid === 'number') {
      return {
        hostname: value.hostname,
        pid: value.pid,
        startedAt: String(value.startedAt ?? ''),
        token: String(value.token ?? ''),
      };
    }
  } catch {
    // Not JSON: someone edited the file; reported as in use so that nothing is overwritten.
  }
  return 'unreadable';
}

function isStale(path: string, owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) return held.get(path) !== owner.token;
  return !isProcessAlive(owner.pid);
}

/** Signal 0 checks that the pid exists without touching it; EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

/**
 * Moves the stale file aside, then checks that what was moved is the stale one: a competitor may
 * have taken it over and written its own lock in between, which is then put back.
 */
function takeOverStale(path: string, stale: LockOwner): void {
  const aside = `${path}.stale.${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (typeof moved === 'object' && moved.token === stale.token && moved.pid === stale.pid) {
    unlinkQuietly(aside);
    return;
  }
  try {
    linkSync(aside, path);
  } catch {
    // Someone else already holds a new lock; the next round reads it.
  }
  unlinkQuietly(aside);
}

function hold(path: string, owner: LockOwner): DataDirLock {
  held.set(path, owner.token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process that ends without close() leaves no lock behind (PGlite recovers its folder).
    process.on('exit', () => {
      for (const [lockPath, token] of held) releaseIfOurs(lockPath, token);
    });
  }
  return {
    path,
    owner,
    release() {
      if (held.get(path) !== owner.token) return;
      held.delete(path);
      releaseIfOurs(path, owner.token);
    },
  };
}

function releaseIfOurs(path: string, token: string): void {
  const current = readOwner(path);
  if (typeof current === 'object' && current.token === token) unlinkQuietly(path);
}

function inUse(dataDir: string, lockFile: string, owner: LockOwner | 'missing' | 'unreadable') {
  const known = typeof owner === 'object';
  return databaseInUse({
    dataDir,
    lockFile,
    pid: known ? owner.pid : '?',
    hostname: known ? owner.hostname : '?',
  });
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
