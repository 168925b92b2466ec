/**
 * The workbench in a real browser against a real `dangan serve` on the embedded database: the
 * administrator's first sign-in and a new colleague made in the UI; an archivist uploads, files and
 * finds records (with a typo) and opens the approval chain; a reader without clearance sees neither
 * the record nor its title. Runs with `npm run test:e2e` (Debian's Chromium; fails without it).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { CONTRACT_FONT, CONTRACT_TEXT } from '../../src/modules/ocr/ocr.contract.ts';
import { renderPage } from '../../src/modules/ocr/testing/render.ts';
import { apiAs, launchBrowser, newPage, signInUi, startServer, type Server } from './harness.ts';

const PROJECT = '2024-150102-47-01-000777';
const PLANNING = '某住宅小区建设工程规划许可证';
const WORKS = '某住宅小区建筑工程施工许可证';

describe('web workbench', () => {
  let server: Server;
  let browser: Browser;
  let adminPassword = '';
  let archivistPassword = '';
  let worksId = '';
  let worksArchiveNo = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Picks an option of an Ant Design select found by its form label. */
  async function choose(page: Page, label: string, option: string) {
    await page.getByLabel(label, { exact: true }).click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
  }

  it('makes the first administrator change the one-time password, then shows a content-free home', async () => {
    const { page, context } = await newPage(browser);
    adminPassword = await signInUi(page, server.base, 'admin', server.adminPassword);
    assert.notEqual(adminPassword, server.adminPassword);
    await page.getByText('不能查看档案内容').waitFor();
    await page.getByText('存储与任务').waitFor();
    await context.close();
  });

  it('lets the administrator create an archivist, who gets a one-time password', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '系统管理' }).click();
    await page.getByRole('button', { name: '新建用户' }).click();
    await page.getByLabel('用户名', { exact: true }).fill('lijuan');
    await page.getByLabel('姓名').fill('李娟');
    await choose(page, '角色', '档案管理员');
    await page.keyboard.press('Escape');
    await choose(page, '密级许可', '敏感');
    await page.getByRole('button', { name: '创建' }).click();
    const oneTime = (await page.getByTestId('one-time-password').innerText()).trim();
    assert.match(oneTime, /^\S{12,}$/);
    await context.close();
    const second = await newPage(browser);
    archivistPassword = await signInUi(second.page, server.base, 'lijuan', oneTime);
    await second.page.getByTestId('current-user').getByText('李娟').waitFor();
    await second.context.close();
  });

  it('uploads two files of one project with batch metadata and shows each result', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    for (const [title, level] of [
      [PLANNING, '公开'],
      [WORKS, '内部'],
    ] as const) {
      await page.goto(`${server.base}/ingest`);
      await choose(page, '门类', 'SP 审批业务');
      await choose(page, '密级', level);
      await choose(page, '保管期限', '定期30年');
      await page.getByLabel('年度', { exact: true }).fill('2024');
      await page.getByLabel('项目代码').fill(PROJECT);
      await page.locator('input[type=file]').setInputFiles({
        name: `${title}.txt`,
        mimeType: 'text/plain',
        buffer: Buffer.from(`${title}。经审查，符合有关规定，准予核发。\n`),
      });
      await page.getByRole('button', { name: '开始上传' }).click();
      await page.getByTestId('ingest-result').getByText('已入库').waitFor();
      if (title === WORKS) {
        await page.getByTestId('ingest-result').getByRole('link').click();
        await page.getByRole('heading', { name: WORKS }).waitFor();
        worksId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
      }
    }
    await context.close();
    assert.match(worksId, /^[0-9a-f-]{36}$/);
  });

  it('shows a refused file with the server’s message in Chinese', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    await page.goto(`${server.base}/ingest`);
    await page.locator('input[type=file]').setInputFiles({
      name: 'program.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff, 0xff]),
    });
    await page.getByRole('button', { name: '开始上传' }).click();
    await page.getByText('被拒绝').waitFor();
    const row = page.locator('tr', { hasText: 'program.exe' });
    assert.match(await row.innerText(), /[\u4e00-\u9fff]{4,}/, 'a Chinese reason is shown');
    await context.close();
  });

  it('recognises an uploaded scan and shows its text, seal and lines for review', async () => {
    const scan = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, seals: 1 });
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    await page.goto(`${server.base}/ingest`);
    await page.locator('input[type=file]').setInputFiles({
      name: '行政许可批复扫描件.png',
      mimeType: 'image/png',
      buffer: scan.image,
    });
    await page.getByRole('button', { name: '开始上传' }).click();
    await page.getByTestId('ingest-result').getByRole('link').click();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // OCR runs as a background job: reload the review page until its result is there.
    const deadline = Date.now() + 300_000;
    for (;;) {
      await page.goto(`${server.base}/ocr/${id}`);
      await page.getByText('识别文本（可修改）').or(page.getByText('还没有 OCR 结果')).first().waitFor();
      if (await page.getByText('识别文本（可修改）').isVisible()) break;
      if (Date.now() > deadline) throw new Error('no OCR result within 5 minutes');
      await page.waitForTimeout(2000);
    }
    const inputs = await page.locator('input[aria-label^="第 "]').all();
    const lines = (await Promise.all(inputs.map((i) => i.inputValue()))).join('');
    assert.match(lines, /行政许可/);
    await page.getByText('印章 1').waitFor();
    await page.locator('img[alt$="第 1 页"]').waitFor();
    await page.locator('svg rect').first().waitFor();
    assert.ok((await page.locator('svg rect').count()) > 3, 'lines and the seal are drawn on the image');

    // Correct the first line, save with Ctrl+Enter, and find the corrected word by search.
    const first = page.getByLabel('第 1 行', { exact: true });
    await first.fill(`${await first.inputValue()}鹦鹉螺`);
    await page.keyboard.press('Control+Enter');
    await page.getByText('第 1 页已保存（改动 1 行，第 2 版）').waitFor();
    await page.getByText('已核对：user:lijuan').waitFor();
    await waitForHit(page, `${server.base}/search?q=${encodeURIComponent('鹦鹉螺')}`, '行政许可批复扫描件');
    // The record's history says who corrected which lines.
    await page.goto(`${server.base}/records/${id}`);
    await page.getByRole('tab', { name: '历史' }).click();
    await page.getByText('第 1 页，改动第 1 行').waitFor();
    await context.close();
  });

  it('files a record from its page and shows the archive number (档号)', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    await page.goto(`${server.base}/records/${worksId}`);
    await page.getByRole('button', { name: '归档（分配档号）' }).click();
    const archiveNo = page.getByTestId('archive-no');
    await archiveNo.waitFor();
    worksArchiveNo = (await archiveNo.innerText()).trim();
    assert.match(worksArchiveNo, /-SP·2024-D30-.+-0001$/);
    await page.getByRole('tab', { name: '历史' }).click();
    await page.getByText('归档', { exact: true }).first().waitFor();
    await context.close();
  });

  it('finds the record with a typo, offers 您要找的是…, and opens its approval chain', async () => {
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    // The index is updated by a background job: wait until the record is searchable.
    await waitForHit(page, `${server.base}/search?q=${encodeURIComponent('施工许可证')}`, WORKS);
    // Typed right: the hit holds the words, so it is no near match and nothing else is suggested.
    const typedRight = page.locator('.ant-list-item', { hasText: WORKS });
    assert.doesNotMatch(await typedRight.innerText(), /近似匹配/);
    assert.equal(await page.getByTestId('did-you-mean').count(), 0);
    await page.goto(`${server.base}/search`);
    await page.getByRole('searchbox').fill('住宅小区施工需可证');
    const hit = page.locator('.ant-list-item', { hasText: WORKS });
    await hit.waitFor();
    await page.getByTestId('did-you-mean').waitFor();
    assert.match(await hit.innerText(), /近似匹配/);
    assert.match(await hit.innerText(), new RegExp(worksArchiveNo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await hit.getByRole('button', { name: '关联档案' }).click();
    const panel = page.getByTestId('related-panel');
    await panel.getByText('审批链：建设项目审批').waitFor();
    await panel.getByRole('link', { name: PLANNING }).waitFor();
    assert.match(await panel.innerText(), /上游/);
    await context.close();
  });

  it('shows a reader without clearance neither the internal record nor its title', async () => {
    const admin = await apiAs(server.base, 'admin', adminPassword);
    const orgs = (await admin('GET', '/api/v1/organisations')).json as { items: { code: string }[] };
    const created = await admin('POST', '/api/v1/users', {
      username: 'zhaomin',
      displayName: '赵敏',
      organisation: orgs.items[0]!.code,
      roles: ['reader'],
      clearance: 'public',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { oneTimePassword } = created.json as { oneTimePassword: string };
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'zhaomin', oneTimePassword);
    await waitForHit(page, `${server.base}/search?q=${encodeURIComponent('住宅小区许可证')}`, PLANNING);
    const body = await page.locator('main, .ant-layout-content').first().innerText();
    assert.ok(!body.includes(WORKS), 'the internal record’s title is not shown');
    assert.ok(!body.includes(worksArchiveNo), 'nor its archive number');
    await page.goto(`${server.base}/search?q=${encodeURIComponent(worksArchiveNo)}`);
    await page.getByTestId('search-total').waitFor();
    assert.ok(!(await page.content()).includes(WORKS));
    await page.goto(`${server.base}/records/${worksId}`);
    await page.getByText('未找到').waitFor();
    assert.ok(!(await page.content()).includes(WORKS));
    await context.close();
  });

  it('lets an archivist confirm a classification suggestion on the filing page', async () => {
    const upload = await uploaderAs(server.base, 'lijuan', archivistPassword);
    const archivist = await apiAs(server.base, 'lijuan', archivistPassword);
    for (let i = 0; i < 5; i++) {
      for (const [kind, label] of [
        ['permit', 'SP/SG'],
        ['food', 'SP/SP'],
      ] as const) {
        const id = await upload(
          `${kind}-${i}.txt`,
          classText(kind, i),
          `${kind === 'permit' ? '施工许可' : '食品经营许可'}样本${i}`,
        );
        const reviewed = await waitFor(async () => {
          const r = await archivist('POST', `/api/v1/records/${id}/suggestions/review`, { label });
          return r.status === 200 ? r : null;
        });
        assert.equal(reviewed.status, 200);
      }
    }
    const train = await archivist('POST', '/api/v1/classify/train');
    assert.equal(train.status, 202, JSON.stringify(train.json));
    await waitFor(async () => {
      const r = await archivist('GET', '/api/v1/classify/models');
      return (r.json as unknown[]).length > 0 ? r : null;
    });
    const title = '新的施工许可待分类';
    const id = await upload('new-permit.txt', classText('permit', 40), title);
    await waitFor(async () => {
      const r = await archivist('GET', `/api/v1/records/${id}/suggestions`);
      return r.status === 200 && (r.json as { label: string | null }).label ? r : null;
    });

    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'lijuan', archivistPassword);
    await page.getByRole('menuitem', { name: '整理归档' }).click();
    await page
      .getByRole('row', { name: new RegExp(title) })
      .getByRole('button', { name: '著录' })
      .click();
    const panel = page.getByTestId('suggestions');
    await panel.getByTestId('suggested-label').getByText('SP/SG').waitFor();
    await panel.getByText('文号').first().waitFor();
    await panel.getByRole('button', { name: '确认分类' }).click();
    await panel.getByText('已确认').waitFor();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    const after = await archivist('GET', `/api/v1/records/${id}/suggestions`);
    assert.equal((after.json as { status: string }).status, 'confirmed');

    await page.getByRole('menuitem', { name: '分类复核' }).click();
    await page.getByRole('tab', { name: '模型版本' }).click();
    await page.getByText('在用').waitFor();
    await context.close();
  });

  it('shows the auditor the audit trail and nothing else, with CSV export', async () => {
    const password = await makeUser('shenji', '审计员', 'auditor');
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'shenji', password);
    const menu = await page.getByRole('menuitem').allInnerTexts();
    assert.deepEqual(
      menu.map((m) => m.trim()),
      ['首页', '审计日志', '我的账户'],
    );
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    const table = page.getByTestId('audit-table');
    await table.getByText('auth.login').first().waitFor();
    await page.getByLabel('操作', { exact: true }).fill('user.*');
    await page.getByRole('button', { name: '查询' }).click();
    await table.getByText('user.create').first().waitFor();
    // user.create shows in the unfiltered table too: wait for the filtered one to replace it.
    await table.getByText('auth.login').first().waitFor({ state: 'detached' });
    assert.equal(await table.getByText('auth.login').count(), 0);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^audit-\d+\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    assert.match(csv, /user\.create/);
    const body = await page.locator('.ant-layout-content').innerText();
    assert.ok(!body.includes(WORKS), 'no record title on the audit page');
    await page.goto(`${server.base}/search?q=${encodeURIComponent('施工许可证')}`);
    assert.equal(await page.getByTestId('search-total').count(), 0);
    await context.close();
  });

  it('shows the security officer the keys and users, but no records', async () => {
    const password = await makeUser('baomi', '保密员', 'security');
    const { page, context } = await newPage(browser);
    await signInUi(page, server.base, 'baomi', password);
    const menu = (await page.getByRole('menuitem').allInnerTexts()).map((m) => m.trim());
    assert.ok(menu.includes('密钥管理') && menu.includes('用户与权限'), menu.join(','));
    assert.ok(!menu.includes('检索') && !menu.includes('审计日志'), menu.join(','));
    await page.getByRole('menuitem', { name: '密钥管理' }).click();
    await page.getByText('新文件加密').waitFor();
    await page.getByTestId('key-table').waitFor();
    await page.getByRole('button', { name: '轮换密钥' }).waitFor();
    await page.getByRole('menuitem', { name: '用户与权限' }).click();
    await page.getByRole('tab', { name: '跨机构授权' }).waitFor();
    await page.getByRole('row', { name: /zhaomin/ }).waitFor();
    await context.close();
  });

  it('enrols a second factor on my account page and then asks for the code at sign-in', async () => {
    const oneTime = await makeUser('wangfang', '王芳', 'officer');
    const { page, context } = await newPage(browser);
    const password = await signInUi(page, server.base, 'wangfang', oneTime);
    await page.getByRole('menuitem', { name: '我的账户' }).click();
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '设置动态口令' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('动态口令', { exact: true }).fill(totp.generate());
    await page.getByRole('button', { name: '确认并启用' }).click();
    await page.getByText('已启用').first().waitFor();
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByLabel('用户名').fill('wangfang');
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    const code = page.getByLabel('动态口令', { exact: true });
    await code.waitFor();
    // The enabling code's time step is spent; the next step's code is within the accepted window.
    await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('current-user').getByText('王芳').waitFor();
    await context.close();
  });

  /** Creates a user through the API as the administrator; returns the password after the first change. */
  async function makeUser(username: string, displayName: string, role: string): Promise<string> {
    const admin = await apiAs(server.base, 'admin', adminPassword);
    const orgs = (await admin('GET', '/api/v1/organisations')).json as { items: { code: string }[] };
    const created = await admin('POST', '/api/v1/users', {
      username,
      displayName,
      organisation: orgs.items[0]!.code,
      roles: [role],
      clearance: 'public',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    return (created.json as { oneTimePassword: string }).oneTimePassword;
  }
});

function classText(kind: 'permit' | 'food', i: number): string {
  return kind === 'permit'
    ? [
        '呼和浩特市行政审批和政务服务局文件',
        `呼审批施字〔2024〕${i + 1}号`,
        `关于第${i + 1}号住宅项目建筑工程施工许可证的批复`,
        '经审查，该工程已具备施工条件，施工图审查合格，准予核发建筑工程施工许可证。',
        '呼和浩特市行政审批和政务服务局',
        '2024年3月5日',
      ].join('\n')
    : [
        '呼和浩特市行政审批和政务服务局文件',
        `呼审批食字〔2023〕${i + 1}号`,
        `关于第${i + 1}号餐饮店食品经营许可的决定`,
        '经现场核查，经营场所、设施设备及食品安全管理制度符合要求，准予食品经营许可，从业人员应持有健康证明。',
        '呼和浩特市行政审批和政务服务局',
        '二〇二三年十一月二日',
      ].join('\n');
}

/** Uploads text files through the API as a signed-in user; returns each new record's id. */
async function uploaderAs(
  base: string,
  username: string,
  password: string,
): Promise<(name: string, content: string, title: string) => Promise<string>> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { token } = (await login.json()) as { token: string };
  return async (name, content, title) => {
    const form = new FormData();
    form.append('metadata', JSON.stringify({ title, level: 'public' }));
    form.append('file', new Blob([content], { type: 'text/plain' }), name);
    const res = await fetch(`${base}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json()) as { record?: { id: string } };
    assert.equal(res.status, 201, JSON.stringify(body));
    return body.record!.id;
  };
}

/** Polls until the check returns a value (background jobs: extraction, classification, training). */
async function waitFor<T>(check: () => Promise<T | null>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a background job');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Reloads a search until the expected title is among the hits (the index lags ingest by a job). */
async function waitForHit(page: Page, url: string, title: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    await page.goto(url);
    await page.getByTestId('search-total').waitFor();
    if ((await page.locator('.ant-list-item', { hasText: title }).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`“${title}” never appeared in ${url}`);
    await page.waitForTimeout(1000);
  }
}
