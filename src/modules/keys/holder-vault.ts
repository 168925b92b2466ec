/**
 * Unlocked holder keys, in this process's memory only, for a short while (like an ssh-agent): a
 * holder unlocks with their passphrase (or their own private key), reads, and the key is forgotten
 * at expiry, at lock, or when the process ends. Nothing here is ever written anywhere.
 *
 * Which holder is reading is carried by AsyncLocalStorage: a route that serves content runs
 * `asHolderReader(actor, …)`, and the keyring's key lookup — deep below, in the blob store — asks
 * `currentHolderReader()`. Background jobs run outside any reader and so never open protected content.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import type { Actor } from '../access/access.policy.ts';
import type { HolderPrivateKey } from './holder-crypto.ts';

const reader = new AsyncLocalStorage<{ userId: string }>();

/** Runs `fn` on behalf of `actor` as a possible holder (their unlocked keys open protected content). */
export function asHolderReader<T>(actor: Actor, fn: () => Promise<T>): Promise<T> {
  if (actor.userId === null) return fn();
  return reader.run({ userId: actor.userId }, fn);
}

export function currentHolderReader(): string | undefined {
  return reader.getStore()?.userId;
}

export const MAX_UNLOCK_MINUTES = 60;

export interface HolderVault {
  put(userId: string, keys: Map<string, HolderPrivateKey>, minutes: number): Date;
  /** the user's unlocked keys by certificate id (empty when locked or expired) */
  keysOf(userId: string): Map<string, HolderPrivateKey>;
  lock(userId: string): boolean;
  clear(): void;
}

export function createHolderVault(now: () => number = Date.now): HolderVault {
  const unlocked = new Map<string, { keys: Map<string, HolderPrivateKey>; expiresAt: number }>();
  function wipe(userId: string): boolean {
    const entry = unlocked.get(userId);
    if (!entry) return false;
    for (const key of entry.keys.values()) key.der.fill(0);
    unlocked.delete(userId);
    return true;
  }
  return {
    put(userId, keys, minutes) {
      wipe(userId);
      const expiresAt = now() + Math.min(Math.max(minutes, 1), MAX_UNLOCK_MINUTES) * 60_000;
      unlocked.set(userId, { keys, expiresAt });
      return new Date(expiresAt);
    },
    keysOf(userId) {
      const entry = unlocked.get(userId);
      if (!entry) return new Map();
      if (entry.expiresAt <= now()) {
        wipe(userId);
        return new Map();
      }
      return entry.keys;
    },
    lock: wipe,
    clear() {
      for (const userId of [...unlocked.keys()]) wipe(userId);
    },
  };
}
