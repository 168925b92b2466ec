/**
 * What the LanceDB search index stores of a record: the table's schema, a row made from a search
 * document (its analysed tokens and identifier keys) and the part of a row the fresh segment keeps.
 */
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { analyze, unigrams } from './search.analysis.ts';
import { findIdentifiers, identifierKey, partialKeys } from './search.identifiers.ts';
import { pinyinTokens } from './search.pinyin.ts';
import { MAX_BODY_CHARS, type SearchDocument } from './search.port.ts';

const STORED_BODY_CHARS = 20_000;

export const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('status', new Utf8(), false),
  new Field('archive_no', new Utf8(), true),
  new Field('title', new Utf8(), false),
  new Field('body', new Utf8(), false),
  new Field('tokens', new Utf8(), false),
  new Field('ids', new Utf8(), false),
  new Field('fonds', new Utf8(), false),
  new Field('category', new Utf8(), false),
  new Field('organisation_id', new Utf8(), false),
  new Field('org_path', new Utf8(), false),
  new Field('level', new Utf8(), false),
  new Field('level_rank', new Int32(), false),
  new Field('retention', new Utf8(), true),
  new Field('matter_type', new Utf8(), true),
  new Field('year', new Int32(), true),
  new Field('formed_on', new Utf8(), true),
  new Field('indexed_at', new Float64(), false),
]);

export interface Row {
  id: string;
  status: string;
  archive_no: string | null;
  title: string;
  body: string;
  tokens: string;
  ids: string;
  fonds: string;
  category: string;
  organisation_id: string;
  org_path: string;
  level: string;
  level_rank: number;
  retention: string | null;
  matter_type: string | null;
  year: number | null;
  formed_on: string | null;
  indexed_at: number;
}

/**
 * What the fresh segment holds of a row: all of it. Its stored text (title, body) answers a page
 * of hits from memory: read back from the table by id, unindexed rows cost 13–20 ms per page at a
 * million records, and such rows are the newest, often on the first page.
 */
export type FreshRow = Row;

export function freshRow(row: Row): FreshRow {
  return row;
}

/** The tokens of a document: title (twice, for weight, plus single ideographs), names, body, pinyin. */
export function documentTokens(doc: SearchDocument): { tokens: string; ids: string } {
  const title = analyze(doc.title);
  const names = doc.names.join(' ');
  const idText = [doc.archiveNo ?? '', doc.docNumber ?? '', ...doc.identifiers].join(' ');
  const tokens = [
    ...title,
    ...title,
    ...unigrams(doc.title),
    ...analyze(names),
    ...analyze(idText, { words: false }),
    ...pinyinTokens(`${doc.title} ${names}`),
    ...analyze(doc.body.slice(0, MAX_BODY_CHARS)),
  ];
  // The record's own identifiers; a 文号 is also found by the end of its agency prefix and by its
  // year and number alone (〔2024〕17号, as someone who remembers no agency types it).
  const own = new Set<string>();
  for (const raw of [doc.archiveNo, doc.docNumber, ...doc.identifiers]) {
    const key = raw ? identifierKey(raw) : null;
    if (key) own.add(key);
  }
  for (const key of findIdentifiers(doc.docNumber ?? '', { yearAndNumber: true })) own.add(key);
  const keys = new Set(own);
  // The 文号 a title cites (根据…〔2019〕3号) find it too, but not by a part of theirs.
  for (const key of findIdentifiers(doc.title)) keys.add(key);
  // Typed incompletely, its own identifiers are found by their beginnings and a code by its end.
  for (const key of own) for (const part of partialKeys(key)) keys.add(part);
  return { tokens: tokens.join(' '), ids: [...keys].join(' ') };
}

export function toRow(doc: SearchDocument, now: number): Row {
  const { tokens, ids } = documentTokens(doc);
  return {
    id: doc.id,
    status: doc.status,
    archive_no: doc.archiveNo,
    title: doc.title,
    body: doc.body.slice(0, STORED_BODY_CHARS),
    tokens,
    ids,
    fonds: doc.fonds,
    category: doc.category,
    organisation_id: doc.organisationId,
    org_path: doc.organisationPath,
    level: doc.level,
    level_rank: doc.levelRank,
    retention: doc.retention,
    matter_type: doc.matterType,
    year: doc.year,
    formed_on: doc.formedOn,
    indexed_at: now,
  };
}

/** A row with every column, to name the columns of the fresh segment. */
export function schemaRow(): Row {
  return Object.fromEntries(schema.fields.map((f) => [f.name, null])) as unknown as Row;
}
