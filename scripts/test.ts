// Runs the test files of one kind with node's test runner: `unit` (default) excludes the
// integration tests (*.int.test.ts), which need servers that .ci/run starts; `int` runs only those.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const kind = process.argv[2] === 'int' ? 'int' : 'unit';
const extra = process.argv.slice(3);
const files = globSync(['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'])
  .filter((file) => (kind === 'int') === file.endsWith('.int.test.ts'))
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
    `--test-concurrency=${kind === 'int' ? 1 : 2}`,
    '--test-timeout=600000',
    ...extra,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
