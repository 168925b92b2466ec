// Runs the test files of one kind with node's test runner: `unit` (default) excludes the
// integration tests (*.int.test.ts), which need servers that .ci/run starts, and the browser tests
// (*.e2e.test.ts), which need Debian's Chromium; `int` and `e2e` run only those.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const kinds = ['unit', 'int', 'e2e'] as const;
const kind = kinds.find((k) => k === process.argv[2]) ?? 'unit';
const kindOf = (file: string) =>
  file.endsWith('.int.test.ts') ? 'int' : file.endsWith('.e2e.test.ts') ? 'e2e' : 'unit';
const extra = process.argv.slice(3);
const files = globSync(['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'])
  .filter((file) => kindOf(file) === kind)
  .sort();
if (files.length === 0) {
  console.error(`no ${kind} test files found`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--liftoff-only',
    '--test',
    `--test-concurrency=${kind === 'unit' ? 2 : 1}`,
    '--test-timeout=600000',
    ...extra,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
