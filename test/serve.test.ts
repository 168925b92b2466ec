/**
 * Smoke test of the real server: `dangan serve` started as a process on loopback, real HTTP
 * requests, an oversized and a truncated upload, and a graceful stop on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHINESE_TEXT } from './fixtures.ts';

const CLI = join(import.meta.dirname, '../src/cli/main.ts');
const LIMIT = 1_000_000;

/** Files under a folder, recursively (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('dangan serve', () => {
  let dir: string;
  let server: ChildProcess;
  let base: string;
  let password = '';
  const logLines: string[] = [];
  let authorization = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-serve-'));
    server = spawn(process.execPath, [CLI, '--data', dir, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, DANGAN_MAX_FILE_BYTES: String(LIMIT), DANGAN_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    const boundary = 'dangan-boundary-limit';
    // 20 times the limit, sent as a stream: the server answers before it has all of it.
    const res = await rawUpload(boundary, '大文件.txt', 20 * LIMIT, { finish: true });
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'ingest.too_large');
    assert.equal(await countRecords(), before);
    assert.deepEqual(await stagingFiles(), []);
  });

  it('keeps nothing of an upload cut off in the middle', async () => {
    const before = await countRecords();
    await rawUpload('dangan-boundary-cut', '中断.txt', LIMIT / 2, { finish: false });
    // The server notices the closed connection; give it a moment to clean up.
    for (let i = 0; i < 50 && (await stagingFiles()).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await stagingFiles(), []);
    assert.equal(await countRecords(), before);
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
  ): Promise<{ status: number; body: string }> {
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const { hostname, port } = new URL(base);
    return new Promise((resolve, reject) => {
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
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', (error) => (options.finish ? reject(error) : resolve({ status: 0, body: '' })));
      const piece = Buffer.alloc(64 * 1024, '档案'.repeat(10));
      let sent = 0;
      req.write(head);
      const pump = () => {
        while (sent < size) {
          if (!options.finish && sent >= size / 2) {
            req.destroy();
            setTimeout(() => resolve({ status: 0, body: '' }), 300);
            return;
          }
          const n = Math.min(piece.length, size - sent);
          sent += n;
          if (!req.write(piece.subarray(0, n))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end(tail);
      };
      req.on('response', () => (sent = size)); // stop sending once the server has answered
      pump();
    });
  }
});
