/**
 * A real SoftHSM2 token for tests (Debian package softhsm2): a private configuration and token
 * folder in a temporary directory (SOFTHSM2_CONF), a token made with softhsm2-util --init-token.
 * Missing softhsm2 is an error, not a skipped test: CI installs it (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIBRARIES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'];

export interface SoftHsmToken {
  library: string;
  tokenLabel: string;
  pin: string;
  dispose(): Promise<void>;
}

export async function createSoftHsmToken(label = 'dangan-test'): Promise<SoftHsmToken> {
  const library = LIBRARIES.find((path) => existsSync(path));
  if (!library) throw new Error('SoftHSM2 is not installed: apt-get install softhsm2 (see .ci/run)');
  const root = await mkdtemp(join(tmpdir(), 'dangan-softhsm-'));
  await mkdir(join(root, 'tokens'));
  const conf = join(root, 'softhsm2.conf');
  await writeFile(
    conf,
    `directories.tokendir = ${join(root, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  // The library reads SOFTHSM2_CONF when it is initialised, so the process environment must name it.
  process.env.SOFTHSM2_CONF = conf;
  const pin = '246810';
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--so-pin', '13579', '--pin', pin],
    {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    },
  );
  return {
    library,
    tokenLabel: label,
    pin,
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
