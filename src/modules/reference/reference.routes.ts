/** Organisations, fonds, archive categories, classification scheme, secrecy levels, retention periods. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { authorize } from '../access/access.policy.ts';
import { listLevels } from './reference.repository.ts';
import {
  createClass,
  createFonds,
  createOrganisation,
  listCategories,
  listClasses,
  listFonds,
  listOrganisations,
} from './reference.usecases.ts';

const organisationSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  level: z.enum(['city', 'district', 'street', 'department']),
});
const fondsSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  organisationId: z.string(),
  archiveNoFormat: z.string(),
});
const categorySchema = z.object({
  id: z.string(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  extraFields: z.array(
    z.object({
      name: z.string(),
      zh: z.string(),
      en: z.string(),
      type: z.string(),
      required: z.boolean().optional(),
    }),
  ),
});
const classSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  path: z.string(),
});

export function referenceRoutes(services: Services): FastifyPluginAsync {
  const { db } = services;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const org = (o: {
      id: string;
      parent_id: string | null;
      code: string;
      name: string;
      level: 'city' | 'district' | 'street' | 'department';
    }) => ({
      id: o.id,
      parentId: o.parent_id,
      code: o.code,
      name: o.name,
      level: o.level,
    });
    api.get(
      '/organisations',
      {
        schema: {
          tags: ['reference'],
          summary: '机构树（按路径排序）',
          response: { 200: z.object({ items: z.array(organisationSchema) }) },
        },
      },
      async (request) => ({ items: (await listOrganisations(db, request.actor)).map(org) }),
    );
    api.post(
      '/organisations',
      {
        schema: {
          tags: ['reference'],
          summary: '新建机构（市 → 区县 → 街道，部门可挂在任一级下）',
          body: z.object({
            code: z.string().regex(/^[A-Z0-9]{1,16}$/),
            name: z.string().min(1).max(200),
            level: z.enum(['city', 'district', 'street', 'department']),
            parent: z.string().optional(),
          }),
          response: { 201: organisationSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(org(await createOrganisation(db, request.actor, request.body))),
    );
    const fonds = (f: {
      id: string;
      code: string;
      name: string;
      organisation_id: string;
      archive_no_format: string;
    }) => ({
      id: f.id,
      code: f.code,
      name: f.name,
      organisationId: f.organisation_id,
      archiveNoFormat: f.archive_no_format,
    });
    api.get(
      '/fonds',
      {
        schema: {
          tags: ['reference'],
          summary: '全宗列表',
          response: { 200: z.object({ items: z.array(fondsSchema) }) },
        },
      },
      async (request) => ({ items: (await listFonds(db, request.actor)).map(fonds) }),
    );
    api.post(
      '/fonds',
      {
        schema: {
          tags: ['reference'],
          summary: '新建全宗；archiveNoFormat 为档号格式模板',
          body: z.object({
            code: z.string().regex(/^[A-Za-z0-9]{1,16}$/),
            name: z.string().min(1).max(200),
            organisation: z.string().min(1),
            archiveNoFormat: z.string().optional(),
          }),
          response: { 201: fondsSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(fonds(await createFonds(db, request.actor, request.body))),
    );
    api.get(
      '/categories',
      {
        schema: {
          tags: ['reference'],
          summary: '档案门类及其扩展著录项',
          response: { 200: z.object({ items: z.array(categorySchema) }) },
        },
      },
      async (request) => ({
        items: (await listCategories(db, request.actor)).map((c) => ({
          id: c.id,
          code: c.code,
          nameZh: c.name_zh,
          nameEn: c.name_en,
          extraFields: c.extra_fields,
        })),
      }),
    );
    const cls = (c: { id: string; parent_id: string | null; code: string; name: string; path: string }) => ({
      id: c.id,
      parentId: c.parent_id,
      code: c.code,
      name: c.name,
      path: c.path,
    });
    api.get(
      '/categories/:category/classes',
      {
        schema: {
          tags: ['reference'],
          summary: '门类下的分类方案',
          params: z.object({ category: z.string() }),
          response: { 200: z.object({ items: z.array(classSchema) }) },
        },
      },
      async (request) => ({
        items: (await listClasses(db, request.actor, request.params.category)).map(cls),
      }),
    );
    api.post(
      '/categories/:category/classes',
      {
        schema: {
          tags: ['reference'],
          summary: '在分类方案中新建类目',
          params: z.object({ category: z.string() }),
          body: z.object({
            code: z.string().regex(/^[A-Za-z0-9]{1,16}$/),
            name: z.string().min(1).max(200),
            parent: z.string().optional(),
          }),
          response: { 201: classSchema },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            cls(await createClass(db, request.actor, { ...request.body, category: request.params.category })),
          ),
    );
    api.get(
      '/vocabularies',
      {
        schema: {
          tags: ['reference'],
          summary: '密级与保管期限',
          response: {
            200: z.object({
              secrecyLevels: z.array(
                z.object({ code: z.string(), zh: z.string(), en: z.string(), rank: z.number() }),
              ),
              retentionPeriods: z.array(
                z.object({ code: z.string(), zh: z.string(), en: z.string(), years: z.number().nullable() }),
              ),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'reference.read');
        const retention = await db.query<{
          code: string;
          name_zh: string;
          name_en: string;
          years: number | null;
        }>('SELECT * FROM retention_periods ORDER BY years DESC NULLS FIRST');
        return {
          secrecyLevels: (await listLevels(db)).map((l) => ({
            code: l.code,
            zh: l.name_zh,
            en: l.name_en,
            rank: l.rank,
          })),
          retentionPeriods: retention.rows.map((r) => ({
            code: r.code,
            zh: r.name_zh,
            en: r.name_en,
            years: r.years,
          })),
        };
      },
    );
  };
}
