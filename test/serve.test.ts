/**
 * Smoke test of the real server: `dangan serve` started as a process on loopback, real HTTP
 * requests, an oversized and a truncated upload, and a graceful stop on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYSIS_VERSION } from '../src/modules/search/search.upgrade.ts';
import { CLI_ARGS, filesUnder } from './cli-helpers.ts';
import { CHINESE_TEXT } from './fixtures.ts';

const LIMIT = 1_000_000;

describe('dangan serve', () => {
  let dir: string;
  let server: ChildProcess;
  let base: string;
  let password = '';
  const logLines: string[] = [];
  let authorization = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-serve-'));
    server = spawn(
      process.execPath,
      [...CLI_ARGS, '--data', dir, 'serve', '--port', '0', '--host', '127.0.0.1'],
      {
        env: { ...process.env, DANGAN_MAX_FILE_BYTES: String(LIMIT), DANGAN_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    base = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          logLines.push(line);
          const address = (JSON.parse(line) as { address?: string }).address;
          if (address) resolve(address);
        }
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    });
    password = /一次性密码 \/ password:\s+(\S+)/.exec(stderr)?.[1] ?? '';
  });

  after(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a one-time password for the first administrator and serves health checks', async () => {
    assert.match(password, /^\S{12,}$/);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const unauthenticated = await fetch(`${base}/api/v1/records`);
    assert.equal(unauthenticated.status, 401);
  });

  it('signs in over HTTP, stores an upload and returns it byte for byte and by range', async () => {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(login.status, 200);
    const { token } = (await login.json()) as { token: string };
    // The administrator must change the one-time password, then creates an archivist.
    const newPassword = `${password}-新密码-2024`;
    const change = await fetch(`${base}/api/v1/auth/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: password, newPassword }),
    });
    assert.equal(change.status, 204);
    const created = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'dangan1',
        roles: ['archivist'],
        organisation: 'SPJ',
        clearance: 'sensitive',
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { oneTimePassword } = (await created.json()) as { oneTimePassword: string };
    const archivistLogin = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dangan1', password: oneTimePassword }),
    });
    const archivistToken = ((await archivistLogin.json()) as { token: string }).token;
    const archivistPassword = `${oneTimePassword}-新密码-2024`;
    await fetch(`${base}/api/v1/auth/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${archivistToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: oneTimePassword, newPassword: archivistPassword }),
    });
    authorization = `Bearer ${archivistToken}`;

    const content = Buffer.from(`${CHINESE_TEXT.repeat(50)}`);
    const form = new FormData();
    form.append('file', new Blob([content]), '批复.txt');
    const upload = await fetch(`${base}/api/v1/records`, {
      method: 'POST',
      headers: { authorization },
      body: form,
    });
    assert.equal(upload.status, 201, await upload.clone().text());
    const { record } = (await upload.json()) as { record: { id: string; components: { id: string }[] } };
    const url = `${base}/api/v1/records/${record.id}/components/${record.components[0]!.id}/content`;
    const whole = await fetch(url, { headers: { authorization } });
    assert.equal(whole.status, 200);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(content));
    const part = await fetch(url, { headers: { authorization, range: 'bytes=10-109' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(content.subarray(10, 110)));
  });

  it('refuses an upload over the size limit while it streams, leaving no file and no record behind', async () => {
    const before = await countRecords();
    const total = 20 * LIMIT;
    // 20 times the limit, sent as a stream: the server answers 413 and closes the connection before
    // it has all of it (a client still writing may see the connection reset instead of the answer).
    const res = await rawUpload('dangan-boundary-limit', '大文件.txt', total, { finish: true });
    assert.ok(res.sent < total, `the server took all ${res.sent} bytes before refusing`);
    if (res.status !== 0) {
      assert.equal(res.status, 413);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'ingest.too_large');
    } else {
      assert.match(res.error, /EPIPE|ECONNRESET/);
    }
    await settled();
    assert.equal(await countRecords(), before);
    assert.deepEqual(await stagingFiles(), []);
  });

  it('keeps nothing of an upload cut off in the middle', async () => {
    const before = await countRecords();
    await rawUpload('dangan-boundary-cut', '中断.txt', LIMIT / 2, { finish: false });
    await settled();
    assert.deepEqual(await stagingFiles(), []);
    assert.equal(await countRecords(), before);
  });

  it('records at start which analysis made the search index (none to redo in a new folder)', async () => {
    const file = join(dir, 'search', 'analysis.json');
    let text: string | null = null;
    for (let i = 0; i < 50 && text === null; i++) {
      text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(JSON.parse(text ?? 'null'), { analysis: ANALYSIS_VERSION });
  });

  it('loads the search index into memory at start', async () => {
    const loaded = () => logLines.some((line) => line.includes('search index loaded into memory'));
    for (let i = 0; i < 50 && !loaded(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(loaded(), logLines.join('\n'));
  });

  it('stops gracefully on SIGTERM, with structured JSON logs', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    const parsed = logLines
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; level?: unknown });
    assert.ok(parsed.length > 0);
    assert.ok(parsed.some((entry) => entry.msg === 'stopped'));
  });

  async function countRecords(): Promise<number> {
    const res = await fetch(`${base}/api/v1/records?limit=1`, { headers: { authorization } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { total: number }).total;
  }

  /** Waits until the server has finished with a failed upload: no staging file for half a second. */
  async function settled(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 100 && quiet < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      quiet = (await stagingFiles()).length === 0 ? quiet + 1 : 0;
    }
  }

  async function stagingFiles(): Promise<string[]> {
    const volumes = await readdir(join(dir, 'volumes')).catch(() => [] as string[]);
    const found = await Promise.all(volumes.map((v) => filesUnder(join(dir, 'volumes', v, 'staging'))));
    return [...found.flat(), ...(await filesUnder(join(dir, 'tmp')))];
  }

  /** A multipart upload of `size` bytes written in pieces; `finish: false` cuts the connection halfway. */
  function rawUpload(
    boundary: string,
    name: string,
    size: number,
    options: { finish: boolean },
  ): Promise<{ status: number; body: string; sent: number; error: string }> {
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const { hostname, port } = new URL(base);
    return new Promise((resolve) => {
      let sent = 0;
      let answered = false;
      const done = (status: number, body: string, error = '') => resolve({ status, body, sent, error });
      const req = request(
        {
          hostname,
          port,
          method: 'POST',
          path: '/api/v1/records',
          headers: {
            authorization,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + size + tail.length,
          },
        },
        (res) => {
          answered = true;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => done(res.statusCode ?? 0, body));
          res.on('error', () => done(res.statusCode ?? 0, body));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!answered) done(0, '', error.code ?? error.message);
      });
      const piece = Buffer.alloc(64 * 1024, '档案'.repeat(10));
      req.write(head);
      const pump = () => {
        while (sent < size && !answered && !req.destroyed) {
          if (!options.finish && sent >= size / 2) {
            req.destroy();
            setTimeout(() => done(0, '', 'cut'), 300);
            return;
          }
          const n = Math.min(piece.length, size - sent);
          sent += n;
          if (!req.write(piece.subarray(0, n))) {
            req.once('drain', pump);
            return;
          }
        }
        if (sent >= size) req.end(tail);
      };
      pump();
    });
  }
});
