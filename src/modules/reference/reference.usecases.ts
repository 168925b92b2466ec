/** Managing the reference data every record hangs on: organisation tree, fonds, categories, classes. */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { archiveNoFormatProblem, DEFAULT_ARCHIVE_NO_FORMAT } from '../records/archive-number.ts';
import {
  archiveNoFormatInvalid,
  fondsExists,
  organisationExists,
  organisationLevelInvalid,
} from './reference.errors.ts';
import {
  findCategory,
  findClass,
  findOrganisation,
  type CategoryRow,
  type ClassRow,
  type FondsRow,
  type OrganisationLevel,
  type OrganisationRow,
} from './reference.repository.ts';

// A child sits at the same level or below its parent: city → district → street, and departments
// under any of them.
const LEVEL_ORDER: Record<OrganisationLevel, number> = { city: 0, district: 1, street: 2, department: 3 };

export async function createOrganisation(
  db: Database,
  actor: Actor,
  input: { code: string; name: string; level: OrganisationLevel; parent?: string | undefined },
): Promise<OrganisationRow> {
  authorize(actor, 'reference.manage');
  return db.transaction(async (tx) => {
    const parent = input.parent ? await findOrganisation(tx, input.parent) : null;
    if (parent && LEVEL_ORDER[input.level] < LEVEL_ORDER[parent.level])
      throw organisationLevelInvalid({
        reason: `${input.level} 不能隶属于 ${parent.level} / cannot sit under ${parent.level}`,
      });
    if (!parent && input.level === 'department')
      throw organisationLevelInvalid({ reason: '部门必须有上级机构 / a department needs a parent' });
    const dup = await tx.query(
      'SELECT 1 FROM organisations WHERE code = $1 AND parent_id IS NOT DISTINCT FROM $2',
      [input.code, parent?.id ?? null],
    );
    if (dup.rowCount > 0) throw organisationExists({ code: input.code });
    const id = randomUUID();
    const { rows } = await tx.query<OrganisationRow>(
      'INSERT INTO organisations (id, parent_id, code, name, level, path) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [id, parent?.id ?? null, input.code, input.name, input.level, `${parent?.path ?? '/'}${id}/`],
    );
    await recordEvent(tx, actor, 'organisation.create', { code: input.code, name: input.name });
    return rows[0]!;
  });
}

export async function listOrganisations(db: Queryable, actor: Actor): Promise<OrganisationRow[]> {
  authorize(actor, 'reference.read');
  return (await db.query<OrganisationRow>('SELECT * FROM organisations ORDER BY path')).rows;
}

export async function createFonds(
  db: Database,
  actor: Actor,
  input: { code: string; name: string; organisation: string; archiveNoFormat?: string | undefined },
): Promise<FondsRow> {
  authorize(actor, 'reference.manage');
  const format = input.archiveNoFormat ?? DEFAULT_ARCHIVE_NO_FORMAT;
  const problem = archiveNoFormatProblem(format);
  if (problem) throw archiveNoFormatInvalid({ reason: problem });
  return db.transaction(async (tx) => {
    const org = await findOrganisation(tx, input.organisation);
    const dup = await tx.query('SELECT 1 FROM fonds WHERE code = $1', [input.code]);
    if (dup.rowCount > 0) throw fondsExists({ fonds: input.code });
    const { rows } = await tx.query<FondsRow>(
      'INSERT INTO fonds (id, code, name, organisation_id, archive_no_format) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [randomUUID(), input.code, input.name, org.id, format],
    );
    await recordEvent(tx, actor, 'fonds.create', { code: input.code });
    return rows[0]!;
  });
}

export async function listFonds(db: Queryable, actor: Actor): Promise<FondsRow[]> {
  authorize(actor, 'reference.read');
  return (await db.query<FondsRow>('SELECT * FROM fonds ORDER BY code')).rows;
}

export async function listCategories(db: Queryable, actor: Actor): Promise<CategoryRow[]> {
  authorize(actor, 'reference.read');
  return (await db.query<CategoryRow>('SELECT * FROM categories ORDER BY code')).rows;
}

export async function createClass(
  db: Database,
  actor: Actor,
  input: { category: string; code: string; name: string; parent?: string | undefined },
): Promise<ClassRow> {
  authorize(actor, 'reference.manage');
  return db.transaction(async (tx) => {
    const category = await findCategory(tx, input.category);
    const parent = input.parent ? await findClass(tx, category.id, input.parent) : null;
    const id = randomUUID();
    const { rows } = await tx.query<ClassRow>(
      'INSERT INTO classes (id, category_id, parent_id, code, name, path) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [
        id,
        category.id,
        parent?.id ?? null,
        input.code,
        input.name,
        `${parent?.path ?? `/${category.code}/`}${input.code}/`,
      ],
    );
    await recordEvent(tx, actor, 'class.create', { category: category.code, code: input.code });
    return rows[0]!;
  });
}

export async function listClasses(db: Queryable, actor: Actor, category: string): Promise<ClassRow[]> {
  authorize(actor, 'reference.read');
  const cat = await findCategory(db, category);
  return (await db.query<ClassRow>('SELECT * FROM classes WHERE category_id = $1 ORDER BY path', [cat.id]))
    .rows;
}
