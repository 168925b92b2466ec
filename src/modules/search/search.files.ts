/** Small file-system helpers for the search index folder, and the dictionaries archivists edit. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createErrorFactory } from '../../app/errors.ts';

/** Total bytes of the files under dir (0 when it does not exist). */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) total += await dirSize(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** Bytes of a file (0 when it does not exist). */
export async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

// ---------------------------------------------------------------------------------------------
// Dictionaries archivists edit: <data>/search/synonyms.txt and <data>/search/approval-chains.json.
// The search module re-reads both (synonyms when the file's stamp changes, chains on every related
// search), so a write takes effect on the next query. Writes go to a temporary file in the same
// folder, are flushed, then renamed over the old one: a reader sees the old or the new file, never
// half of one, and a crash leaves the old file in place.

/** Largest synonyms file accepted from the web (the built-in one is ~2 KB). */
export const MAX_SYNONYMS_BYTES = 256 * 1024;
const MAX_TERM_CHARS = 50;

export const dictionaryInvalid = createErrorFactory({
  code: 'search.dictionary_invalid',
  status: 422,
  zh: '词典内容无效（第 {line} 行）：{reason}',
  en: 'The dictionary is invalid (line {line}): {reason}',
});

export const dictionaryConflict = createErrorFactory({
  code: 'search.dictionary_conflict',
  status: 409,
  zh: '词典已被他人修改，请重新加载后再保存。',
  en: 'The dictionary was changed by someone else; reload and save again.',
});

export const chainStepSchema = z.strictObject({
  name: z.string().trim().min(1).max(MAX_TERM_CHARS),
  match: z.array(z.string().trim().min(1).max(MAX_TERM_CHARS)).min(1).max(30),
});
export const approvalChainSchema = z.strictObject({
  name: z.string().trim().min(1).max(MAX_TERM_CHARS),
  steps: z.array(chainStepSchema).min(2).max(30),
});
export const approvalChainsSchema = z
  .array(approvalChainSchema)
  .max(200)
  .refine((chains) => new Set(chains.map((c) => c.name)).size === chains.length, {
    message: '审批链名称重复 / duplicate chain names',
  });

export interface DictionaryFile<T> {
  /** the archivists' own entries (the file in the data folder; empty when there is none) */
  own: T;
  /** the built-in entries shipped with dangan, merged with (synonyms) or replaced by (chains) the own ones */
  builtin: T;
  /** SHA-256 of the own file as stored ('' when there is none), to detect a concurrent change */
  version: string;
}

const BUILTIN_SYNONYMS = join(import.meta.dirname, 'synonyms.default.txt');
const BUILTIN_CHAINS = join(import.meta.dirname, 'approval-chains.json');
const synonymsPath = (dataDir: string) => join(dataDir, 'search', 'synonyms.txt');
const chainsPath = (dataDir: string) => join(dataDir, 'search', 'approval-chains.json');

async function readOwn(path: string): Promise<{ text: string; version: string }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? { text: '', version: '' } : { text, version: sha256(text) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function readSynonyms(dataDir: string): Promise<DictionaryFile<string>> {
  const own = await readOwn(synonymsPath(dataDir));
  return { own: own.text, builtin: await readFile(BUILTIN_SYNONYMS, 'utf8'), version: own.version };
}

export type ApprovalChainEntry = z.infer<typeof approvalChainSchema>;

export async function readApprovalChains(dataDir: string): Promise<DictionaryFile<ApprovalChainEntry[]>> {
  const own = await readOwn(chainsPath(dataDir));
  const parse = (text: string) => (JSON.parse(text) as { chains?: ApprovalChainEntry[] }).chains ?? [];
  return {
    own: own.text ? parse(own.text) : [],
    builtin: parse(await readFile(BUILTIN_CHAINS, 'utf8')),
    version: own.version,
  };
}

/**
 * Checks a synonyms text line by line: every non-comment line is a group of at least two terms of
 * at most 50 characters, without control characters. Returns the number of groups.
 */
export function checkSynonyms(text: string): number {
  if (Buffer.byteLength(text, 'utf8') > MAX_SYNONYMS_BYTES)
    throw dictionaryInvalid({ line: '-', reason: `超过 ${MAX_SYNONYMS_BYTES / 1024} KB / too large` });
  let groups = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line))
      throw dictionaryInvalid({ line: index + 1, reason: '含控制字符 / control character' });
    const body = line.replace(/#.*$/, '').trim();
    if (body === '') return;
    const terms = [...new Set(body.split(/[\s,，、]+/).filter((t) => t !== ''))];
    if (terms.length < 2)
      throw dictionaryInvalid({ line: index + 1, reason: '一组至少两个词 / a group needs two terms' });
    const long = terms.find((t) => t.length > MAX_TERM_CHARS);
    if (long)
      throw dictionaryInvalid({
        line: index + 1,
        reason: `词“${long.slice(0, 20)}…”过长 / term too long`,
      });
    groups++;
  });
  return groups;
}

/** Replaces the own synonyms file (after checkSynonyms); `base` is the version the editor started from. */
export async function writeSynonyms(
  dataDir: string,
  text: string,
  base?: string,
): Promise<{ groups: number; version: string }> {
  const groups = checkSynonyms(text);
  const normalised = text.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
  await replaceFile(synonymsPath(dataDir), normalised, base);
  return { groups, version: sha256(normalised) };
}

/** Replaces the own approval chains (a chain named like a built-in one replaces it). */
export async function writeApprovalChains(
  dataDir: string,
  chains: ApprovalChainEntry[],
  base?: string,
): Promise<{ chains: number; version: string }> {
  const parsed = approvalChainsSchema.safeParse(chains);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw dictionaryInvalid({ line: issue.path.join('.') || '-', reason: issue.message });
  }
  const text = `${JSON.stringify(
    {
      $comment:
        '本单位的审批链（网页“系统管理 → 词典”维护；同名链覆盖内置链）/ this archive’s approval chains (a chain of the same name replaces the built-in one)',
      chains: parsed.data,
    },
    null,
    2,
  )}\n`;
  await replaceFile(chainsPath(dataDir), text, base);
  return { chains: parsed.data.length, version: sha256(text) };
}

// One write at a time per file in this process, so that the version check and the rename cannot
// interleave between two requests.
const writing = new Map<string, Promise<unknown>>();

async function replaceFile(path: string, text: string, base: string | undefined): Promise<void> {
  const previous = writing.get(path) ?? Promise.resolve();
  const run = previous.then(async () => {
    if (base !== undefined && (await readOwn(path)).version !== base) throw dictionaryConflict();
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      const file = await open(temp, 'wx', 0o640);
      try {
        await file.writeFile(text, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  });
  const settled = run.catch(() => undefined);
  writing.set(path, settled);
  try {
    await run;
  } finally {
    if (writing.get(path) === settled) writing.delete(path);
  }
}
