/**
 * Administration in a real browser: the administrator changes a user's roles and edits the search
 * synonyms, the security officer changes a clearance, grants and revokes a cross-organisation share
 * and rotates the keys; the system status shows the search index health. Each change is checked
 * through the API afterwards. Runs with `npm run test:e2e` (Debian's Chromium; fails without it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, newPage, signInUi, startServer, type Server } from './harness.ts';

describe('web workbench: administration', () => {
  let server: Server;
  let browser: Browser;
  let adminPassword = '';
  let securityPassword = '';
  let admin: Awaited<ReturnType<typeof apiAs>>;

  /** Picks an option of an Ant Design select found by its accessible name. */
  async function choose(page: Page, label: string, option: string) {
    await page.getByLabel(label, { exact: true }).click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // The administrator's first sign-in changes the one-time password (covered in web.e2e.test.ts).
    const first = await newPage(browser);
    adminPassword = await signInUi(first.page, server.base, 'admin', server.adminPassword);
    await first.context.close();
    admin = await apiAs(server.base, 'admin', adminPassword);
    for (const [code, name] of [
      ['XC', '新城区行政审批局'],
      ['HM', '回民区行政审批局'],
    ]) {
      const org = await admin('POST', '/api/v1/organisations', {
        code,
        name,
        level: 'district',
        parent: 'SPJ',
      });
      assert.equal(org.status, 201, JSON.stringify(org.json));
    }
    for (const [username, displayName, role] of [
      ['zhangwei', '张伟', 'officer'],
      ['baomi', '保密员', 'security'],
    ] as const) {
      const created = await admin('POST', '/api/v1/users', {
        username,
        displayName,
        organisation: role === 'officer' ? 'XC' : 'SPJ',
        roles: [role],
        clearance: 'public',
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      if (username === 'zhangwei') {
        // A sealed file, so that a key-encryption key exists to be rotated.
        const oneTime = (created.json as { oneTimePassword: string }).oneTimePassword;
        const login = await fetch(`${server.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: oneTime }),
        });
        const { token } = (await login.json()) as { token: string };
        const headers = { authorization: `Bearer ${token}` };
        const changed = await fetch(`${server.base}/api/v1/auth/password`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ currentPassword: oneTime, newPassword: `${oneTime}-新密码-2024` }),
        });
        assert.equal(changed.status, 204);
        const form = new FormData();
        form.append('metadata', JSON.stringify({ title: '密钥轮换测试', level: 'public' }));
        form.append('file', new Blob(['密钥轮换测试。'], { type: 'text/plain' }), 'keys.txt');
        const uploaded = await fetch(`${server.base}/api/v1/records`, {
          method: 'POST',
          headers,
          body: form,
        });
        assert.equal(uploaded.status, 201, await uploaded.text());
      }
      if (username === 'baomi') {
        const page = await newPage(browser);
        securityPassword = await signInUi(
          page.page,
          server.base,
          'baomi',
          (created.json as { oneTimePassword: string }).oneTimePassword,
        );
        await page.context.close();
      }
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const userOf = async (username: string) => {
    const list = (await admin('GET', '/api/v1/users')).json as {
      items: { username: string; roles: string[]; clearance: string }[];
    };
    return list.items.find((u) => u.username === username)!;
  };

  it('lets the administrator add a role to a user in the users table', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '用户与权限' }).click();
    await choose(page, 'zhangwei 的角色', '查阅者');
    await page.getByText('角色已更新').waitFor();
    assert.deepEqual((await userOf('zhangwei')).roles.sort(), ['officer', 'reader']);
    await context.close();
  });

  it('lets the security officer raise a clearance, grant and revoke a share, and rotate the keys', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'baomi', securityPassword);
    await page.getByRole('menuitem', { name: '用户与权限' }).click();
    await choose(page, 'zhangwei 的密级许可', '内部');
    await page.getByText('密级许可已更新').waitFor();
    assert.equal((await userOf('zhangwei')).clearance, 'internal');

    await page.getByRole('tab', { name: '跨机构授权' }).click();
    await page.getByRole('button', { name: '新建授权' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户', { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option[title="张伟 (zhangwei)"]')
      .click();
    await dialog.getByLabel('机构', { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option[title="HM 回民区行政审批局"]')
      .click();
    await dialog.getByLabel('事由').fill('联合审查');
    await dialog.getByRole('button', { name: /^授\s*权$/ }).click();
    await page.getByText('已授权', { exact: true }).waitFor();
    const row = page.getByRole('row', { name: /联合审查/ });
    await row.waitFor();
    const security = await apiAs(server.base, 'baomi', securityPassword);
    const active = (await security('GET', '/api/v1/shares')).json as { items: { username: string }[] };
    assert.deepEqual(
      active.items.map((s) => s.username),
      ['zhangwei'],
    );
    await row.getByRole('button', { name: /^撤\s*销$/ }).click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByText('授权已撤销').waitFor();
    const after = (await security('GET', '/api/v1/shares')).json as { items: unknown[] };
    assert.equal(after.items.length, 0);

    await page.getByRole('menuitem', { name: '密钥管理' }).click();
    const table = page.getByTestId('key-table');
    await table.waitFor();
    const before = (await security('GET', '/api/v1/keys')).json as { levels: { version: number }[] };
    const highest = Math.max(0, ...before.levels.map((l) => l.version));
    await page.getByRole('button', { name: '轮换密钥' }).click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page
      .getByText(/→ 第 \d+ 版/)
      .first()
      .waitFor();
    const rotated = (await security('GET', '/api/v1/keys')).json as { levels: { version: number }[] };
    assert.ok(Math.max(...rotated.levels.map((l) => l.version)) > highest, 'a new key version');
    await table
      .getByText(String(highest + 1), { exact: true })
      .first()
      .waitFor();
    await context.close();
  });

  it('lets the administrator edit the search synonyms and see the index health', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '系统管理' }).click();
    await page.getByRole('tab', { name: '检索词典' }).click();
    await page.getByLabel('本单位同义词').fill('防火排查 消防安全大检查\n');
    await page.getByRole('button', { name: '保存同义词' }).click();
    await page.getByText('已保存：1 组同义词').waitFor();
    const saved = (await admin('GET', '/api/v1/search/dictionaries/synonyms')).json as { own: string };
    assert.equal(saved.own, '防火排查 消防安全大检查\n');
    // A line with one term is refused with the server's Chinese reason, and the file stays as it was.
    await page.getByLabel('本单位同义词').fill('孤词\n');
    await page.getByRole('button', { name: '保存同义词' }).click();
    await page.getByText(/第 1 行/).waitFor();
    assert.equal(
      ((await admin('GET', '/api/v1/search/dictionaries/synonyms')).json as { own: string }).own,
      saved.own,
    );
    await page.getByRole('tab', { name: '系统状态' }).click();
    await page.getByTestId('index-health').waitFor();
    // The index rebuilt from the status page: confirmed, run in the background, its result shown.
    const rebuild = page.getByTestId('index-rebuild');
    await rebuild.getByText('本次启动以来未重建检索索引').waitFor();
    await rebuild.getByRole('button', { name: '重建检索索引' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await rebuild.getByText(/上次重建：.*件/).waitFor({ timeout: 30_000 });
    const status = (await admin('GET', '/api/v1/search/rebuild')).json as { last: { error: string | null } };
    assert.equal(status.last.error, null);
    await context.close();
  });
});
