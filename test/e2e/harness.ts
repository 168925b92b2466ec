/**
 * End-to-end set-up: a real `dangan serve` (embedded PGlite in a temp data folder, a free port) and
 * Debian's Chromium driven by playwright-core. No browser is ever downloaded: when Chromium is not
 * installed the tests fail with a message saying how to install it (CI installs it in .ci/run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CLI_ARGS } from '../cli-helpers.ts';

export const CHROMIUM = process.env['DANGAN_CHROMIUM'] ?? '/usr/bin/chromium';

export interface Server {
  base: string;
  dir: string;
  adminPassword: string;
  stop(): Promise<void>;
}

/** Starts `dangan serve` on 127.0.0.1 with port 0 and waits for the address it reports. */
export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<Server> {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'web', 'dist', 'index.html')))
    throw new Error(
      'web/dist 不存在：先运行 npm run build:web / the web UI is not built: run npm run build:web',
    );
  const dir = await mkdtemp(join(tmpdir(), 'dangan-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [...CLI_ARGS, '--data', dir, 'serve', '--port', '0', '--host', '127.0.0.1'],
    { env: { ...process.env, DANGAN_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const address = (JSON.parse(line) as { address?: string }).address;
          if (address) {
            clearTimeout(timer);
            resolve(address);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  const adminPassword = /一次性密码 \/ password:\s+(\S+)/.exec(stderr)?.[1];
  if (!adminPassword) throw new Error(`no one-time password printed: ${stderr}`);
  return {
    base,
    dir,
    adminPassword,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless; fails (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `找不到 Chromium（${CHROMIUM}）：请运行 apt-get install chromium / Chromium not found: apt-get install chromium`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A fresh browser tab at the office-PC size the UI must not break at. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

/** Signs in through the sign-in page; a one-time password is changed on the spot. Returns the password in use. */
export async function signInUi(
  page: Page,
  base: string,
  username: string,
  password: string,
): Promise<string> {
  await page.goto(`${base}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  const change = page.getByText('请先修改一次性密码');
  const home = page.getByTestId('current-user');
  await change.or(home).first().waitFor();
  if (!(await change.isVisible())) return password;
  const next = `${password}-新密码-2024`;
  await page.getByLabel('新密码', { exact: true }).fill(next);
  await page.getByLabel('再次输入新密码').fill(next);
  await page.getByRole('button', { name: '修改密码并进入' }).click();
  await home.waitFor();
  return next;
}

/** Calls the API as a signed-in user (for set-up steps that are not under test). */
export async function apiAs(
  base: string,
  username: string,
  password: string,
): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
  };
}
