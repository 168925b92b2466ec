/** Database access for the reference data: organisations, fonds, categories, classes, levels. */
import type { Queryable } from '../../db/database.port.ts';
import {
  categoryNotFound,
  classNotFound,
  fondsNotFound,
  levelNotFound,
  organisationNotFound,
  retentionNotFound,
} from './reference.errors.ts';

export type OrganisationLevel = 'city' | 'district' | 'street' | 'department';

export interface OrganisationRow {
  id: string;
  parent_id: string | null;
  code: string;
  name: string;
  level: OrganisationLevel;
  path: string;
  created_at: Date;
}
export interface FondsRow {
  id: string;
  code: string;
  name: string;
  organisation_id: string;
  archive_no_format: string;
  created_at: Date;
}
export interface ExtraField {
  name: string;
  zh: string;
  en: string;
  type: 'string' | 'number' | 'date' | 'boolean';
  required?: boolean;
}
export interface CategoryRow {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  extra_fields: ExtraField[];
}
export interface ClassRow {
  id: string;
  category_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  path: string;
}
export interface LevelRow {
  code: string;
  name_zh: string;
  name_en: string;
  rank: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** By id, or by code when the code is unique (several organisations may share a code under different parents). */
export async function findOrganisation(db: Queryable, idOrCode: string): Promise<OrganisationRow> {
  const { rows } = isUuid(idOrCode)
    ? await db.query<OrganisationRow>('SELECT * FROM organisations WHERE id = $1', [idOrCode])
    : await db.query<OrganisationRow>('SELECT * FROM organisations WHERE code = $1 ORDER BY path LIMIT 2', [
        idOrCode,
      ]);
  if (rows.length !== 1) throw organisationNotFound({ organisation: idOrCode });
  return rows[0]!;
}

export async function findFonds(db: Queryable, idOrCode: string): Promise<FondsRow> {
  const { rows } = await db.query<FondsRow>(
    isUuid(idOrCode) ? 'SELECT * FROM fonds WHERE id = $1' : 'SELECT * FROM fonds WHERE code = $1',
    [idOrCode],
  );
  if (!rows[0]) throw fondsNotFound({ fonds: idOrCode });
  return rows[0];
}

export async function findCategory(db: Queryable, idOrCode: string): Promise<CategoryRow> {
  const { rows } = await db.query<CategoryRow>(
    isUuid(idOrCode) ? 'SELECT * FROM categories WHERE id = $1' : 'SELECT * FROM categories WHERE code = $1',
    [idOrCode],
  );
  if (!rows[0]) throw categoryNotFound({ category: idOrCode });
  return rows[0];
}

export async function findClass(db: Queryable, categoryId: string, idOrPath: string): Promise<ClassRow> {
  const { rows } = await db.query<ClassRow>(
    isUuid(idOrPath)
      ? 'SELECT * FROM classes WHERE id = $1 AND category_id = $2'
      : 'SELECT * FROM classes WHERE code = $1 AND category_id = $2 LIMIT 2',
    [idOrPath, categoryId],
  );
  if (rows.length !== 1) throw classNotFound({ class: idOrPath });
  return rows[0]!;
}

export async function findLevel(db: Queryable, code: string): Promise<LevelRow> {
  const { rows } = await db.query<LevelRow>('SELECT * FROM secrecy_levels WHERE code = $1', [code]);
  if (!rows[0]) throw levelNotFound({ level: code });
  return rows[0];
}

export async function findRetention(db: Queryable, code: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM retention_periods WHERE code = $1', [code]);
  if (rowCount === 0) throw retentionNotFound({ retention: code });
}

export async function listLevels(db: Queryable): Promise<LevelRow[]> {
  return (await db.query<LevelRow>('SELECT * FROM secrecy_levels ORDER BY rank')).rows;
}
