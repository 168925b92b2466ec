/**
 * Reference lookups (fonds, organisations, categories, classes, levels, retention periods) for hot
 * paths such as batch ingest, remembered for a short time. On the embedded database every query is
 * a round trip through one worker thread, and ingest would otherwise repeat the same five lookups
 * for every file. Only successful lookups are remembered, and only for `ttlMs` (default 2 s): a new
 * fonds is seen at once, a renamed or removed one after at most ttlMs — and every id taken from
 * here is checked again by the foreign keys of the rows that use it.
 */
import type { Queryable } from '../../db/database.port.ts';
import {
  findCategory,
  findClass,
  findFonds,
  findLevel,
  findOrganisation,
  findRetention,
  type CategoryRow,
  type ClassRow,
  type FondsRow,
  type LevelRow,
  type OrganisationRow,
} from './reference.repository.ts';

export interface ReferenceLookups {
  fonds(idOrCode: string): Promise<FondsRow>;
  organisation(idOrCode: string): Promise<OrganisationRow>;
  category(idOrCode: string): Promise<CategoryRow>;
  class(categoryId: string, idOrPath: string): Promise<ClassRow>;
  level(code: string): Promise<LevelRow>;
  retention(code: string): Promise<void>;
}

/** Straight to the database, nothing remembered (inside transactions that change reference data). */
export function directLookups(db: Queryable): ReferenceLookups {
  return {
    fonds: (key) => findFonds(db, key),
    organisation: (key) => findOrganisation(db, key),
    category: (key) => findCategory(db, key),
    class: (categoryId, key) => findClass(db, categoryId, key),
    level: (key) => findLevel(db, key),
    retention: (key) => findRetention(db, key),
  };
}

export function createReferenceCache(
  db: Queryable,
  options: { ttlMs?: number; now?: () => number } = {},
): ReferenceLookups & { clear(): void } {
  const ttlMs = options.ttlMs ?? 2000;
  const now = options.now ?? Date.now;
  const direct = directLookups(db);
  const entries = new Map<string, { until: number; value: Promise<unknown> }>();

  function remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.value as Promise<T>;
    const value = load();
    entries.set(key, { until: now() + ttlMs, value });
    // A failed lookup (not found, database down) is not remembered.
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    if (entries.size > 10_000) entries.clear();
    return value;
  }

  return {
    fonds: (key) => remember(`f:${key}`, () => direct.fonds(key)),
    organisation: (key) => remember(`o:${key}`, () => direct.organisation(key)),
    category: (key) => remember(`c:${key}`, () => direct.category(key)),
    class: (categoryId, key) => remember(`k:${categoryId}:${key}`, () => direct.class(categoryId, key)),
    level: (key) => remember(`l:${key}`, () => direct.level(key)),
    retention: (key) => remember(`r:${key}`, () => direct.retention(key)),
    clear: () => entries.clear(),
  };
}
