#!/usr/bin/env node
// Starts the CLI on the project's pinned Node.js 24 (installed by the npm package "node"), whatever
// Node.js runs this file: the machines' own Node may be older and cannot run TypeScript directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
const node = existsSync(pinned) ? pinned : process.execPath;
// --liftoff-only: the embedded database is a 9 MB WebAssembly module; V8's optimising tier would
// compile it in the background for seconds and more than double the peak memory (docs/ARCHITECTURE.md).
const child = spawn(node, ['--liftoff-only', join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Pass termination signals on, so that a service manager's stop reaches the server's graceful shutdown.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
