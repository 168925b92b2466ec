/**
 * The second half of `dangan ledger verify`: every record's current row, components and blob bytes
 * against the state last logged for it (record-state.ts). The log itself is checked first
 * (ledger.verify.ts), so a logged state that was edited in the events table is reported there.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { compareStates, currentStates, type RecordState } from './record-state.ts';

export type RecordProblemCode = 'record_changed' | 'record_unlogged' | 'component_changed' | 'blob_changed';

export interface RecordProblem {
  code: RecordProblemCode;
  zh: string;
  en: string;
  recordId: string;
  archiveNo?: string | null;
  fields?: string[];
  componentId?: string;
}

const PAGE = 500;

export async function verifyRecords(
  db: Database,
  options: { blobs?: BlobStore | undefined },
  add: (problem: RecordProblem) => void,
): Promise<{ recordsChecked: number; blobsChecked: number }> {
  let recordsChecked = 0;
  let blobsChecked = 0;
  const blobsSeen = new Set<string>();
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await db.query<{ id: string; archive_no: string | null }>(
      'SELECT id::text AS id, archive_no FROM records WHERE id > $1 ORDER BY id LIMIT $2',
      [after, PAGE],
    );
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const ids = rows.map((r) => r.id);
    const logged = await db.query<{ record_id: string; state: unknown }>(
      `SELECT DISTINCT ON (record_id) record_id::text AS record_id, details->'state' AS state
         FROM events WHERE record_id = ANY($1::uuid[]) AND details ? 'state'
        ORDER BY record_id, tx DESC, id DESC`,
      [ids],
    );
    const last = new Map(
      logged.rows.map((r) => [
        r.record_id,
        (typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as RecordState,
      ]),
    );
    const current = await currentStates(db, ids);
    // Crypto-shredded content is meant to be unreadable: not re-read.
    // Holder-protected content opens only with a holder's key (keys/holder-seal.ts): the server checks
    // its stored chunks against their keyless digests instead of re-reading the content.
    const holderProtected = new Set(
      options.blobs
        ? (
            await db.query<{ address: string }>(
              'SELECT address FROM blob_keys WHERE holder_protected AND address = ANY($1::text[])',
              [[...current.values()].flatMap((s) => Object.values(s.components).map((c) => c.blob))],
            )
          ).rows.map((r) => r.address)
        : [],
    );
    const shredded = new Set(
      options.blobs
        ? (
            await db.query<{ address: string }>(
              'SELECT address FROM blob_keys WHERE destroyed_at IS NOT NULL AND address = ANY($1::text[])',
              [[...current.values()].flatMap((s) => Object.values(s.components).map((c) => c.blob))],
            )
          ).rows.map((r) => r.address)
        : [],
    );
    for (const { id, archive_no: archiveNo } of rows) {
      recordsChecked++;
      const name = archiveNo ? `${archiveNo}（${id}）` : id;
      const nameEn = archiveNo ? `${archiveNo} (${id})` : id;
      const now = current.get(id)!;
      const was = last.get(id);
      if (!was) {
        add({
          code: 'record_unlogged',
          recordId: id,
          archiveNo,
          zh: `档案 ${name} 没有记账的状态（绕过系统插入，或其事件被删除）。`,
          en: `Record ${nameEn} has no logged state (inserted behind the system's back, or its events were deleted).`,
        });
      } else {
        const diff = compareStates(was, now);
        if (diff.fields.length > 0)
          add({
            code: 'record_changed',
            recordId: id,
            archiveNo,
            fields: diff.fields,
            zh: `档案 ${name} 的著录项在最后一次记账后被改动：${diff.fields.join('、')}。`,
            en: `Record ${nameEn} was altered after its last logged state; changed fields: ${diff.fields.join(', ')}.`,
          });
        for (const c of diff.componentsChanged)
          add({
            code: 'component_changed',
            recordId: id,
            archiveNo,
            componentId: c.id,
            fields: c.what,
            zh: `档案 ${name} 的文件 ${c.id} 在最后一次记账后被改动：${c.what.join('、')}。`,
            en: `File ${c.id} of record ${nameEn} was altered after its last logged state: ${c.what.join(', ')}.`,
          });
        for (const cid of diff.componentsAdded)
          add({
            code: 'component_changed',
            recordId: id,
            archiveNo,
            componentId: cid,
            fields: ['added'],
            zh: `档案 ${name} 多出未记账的文件 ${cid}。`,
            en: `Record ${nameEn} has a file ${cid} that was never logged.`,
          });
        for (const cid of diff.componentsRemoved)
          add({
            code: 'component_changed',
            recordId: id,
            archiveNo,
            componentId: cid,
            fields: ['removed'],
            zh: `档案 ${name} 的文件 ${cid} 已被删除。`,
            en: `File ${cid} of record ${nameEn} was deleted.`,
          });
      }
      if (!options.blobs) continue;
      for (const [cid, c] of Object.entries(now.components)) {
        if (blobsSeen.has(c.blob) || shredded.has(c.blob)) continue;
        blobsSeen.add(c.blob);
        blobsChecked++;
        let actual: string | undefined;
        let reason = '';
        if (holderProtected.has(c.blob)) {
          const replicas = await options.blobs.check(c.blob);
          const bad = replicas.filter((r) => r.state !== 'ok');
          if (bad.length > 0)
            add({
              code: 'blob_changed',
              recordId: id,
              archiveNo,
              componentId: cid,
              zh: `档案 ${name} 的文件 ${cid} 的存储内容已损坏或被改动（${bad.map((r) => r.state).join(', ')}）。`,
              en: `The stored bytes of file ${cid} of record ${nameEn} are damaged or changed (${bad.map((r) => r.state).join(', ')}).`,
            });
          continue;
        }
        try {
          const hash = createHash('sha256');
          for await (const chunk of await options.blobs.get(c.blob)) hash.update(chunk as Buffer);
          actual = hash.digest('hex');
        } catch (error) {
          reason = (error as { code?: string }).code ?? (error as Error).message;
        }
        if (actual !== c.sha256)
          add({
            code: 'blob_changed',
            recordId: id,
            archiveNo,
            componentId: cid,
            zh: `档案 ${name} 的文件 ${cid} 的存储内容与其摘要不符${reason ? `（${reason}）` : ''}。`,
            en: `The stored bytes of file ${cid} of record ${nameEn} no longer match its digest${reason ? ` (${reason})` : ''}.`,
          });
      }
    }
  }
  return { recordsChecked, blobsChecked };
}
