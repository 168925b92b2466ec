/**
 * Test support for the content module: a temporary folder, the sample title, and GB18030 text.
 * Nothing in production imports the testing folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const APPROVAL_TITLE = '行政审批局关于建设工程规划许可证的批复';

/** A temporary folder; `file` writes bytes into it and returns the path. */
export async function scratchDir() {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-content-'));
  return {
    dir,
    async file(name: string, bytes: Uint8Array | string): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

let gbTable: Map<string, number[]> | undefined;

/** Encodes text as GB18030 (two-byte range), by inverting Node's decoder. */
export function gb18030(value: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (char.length === 1 && char !== '\ufffd' && !gbTable.has(char)) gbTable.set(char, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const char of value) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else {
      const pair = gbTable.get(char);
      if (!pair) throw new Error(`no two-byte GB18030 code for ${char}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}
