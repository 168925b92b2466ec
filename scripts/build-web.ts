// Builds the web UI into web/dist when it is missing or older than its sources, so that
// `npm install && npm start` (prestart) and `npm test` (pretest) always serve a current UI.
// The inputs' hash is kept in web/dist/build-info.json; `--force` builds anyway.
import { createHash } from 'node:crypto';
import { existsSync, globSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const web = join(root, 'web');
const infoFile = join(web, 'dist', 'build-info.json');

/** Hash of everything the build reads: the UI sources, its config, and the locked dependencies. */
export function sourceHash(): string {
  const files = [
    ...globSync(['src/**/*', 'index.html', 'vite.config.ts', 'tsconfig.json'], { cwd: web }).map((f) =>
      join(web, f),
    ),
    join(root, 'package-lock.json'),
  ]
    .filter((f) => !f.endsWith('/') && existsSync(f))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    try {
      hash.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    }
  }
  return hash.digest('hex');
}

function builtHash(): string | undefined {
  try {
    return (JSON.parse(readFileSync(infoFile, 'utf8')) as { sourceHash?: string }).sourceHash;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const hash = sourceHash();
  if (
    !process.argv.includes('--force') &&
    builtHash() === hash &&
    existsSync(join(web, 'dist', 'index.html'))
  ) {
    console.log('网页已是最新 / web UI is up to date (web/dist)');
  } else {
    console.log('正在构建网页 / building the web UI (web/dist) …');
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
    writeFileSync(infoFile, `${JSON.stringify({ sourceHash: hash, builtAt: new Date().toISOString() })}\n`);
    console.log('网页构建完成 / web UI built');
  }
}
