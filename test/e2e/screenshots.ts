// Refreshes docs/screenshots/*.png: the main pages at 1366×768 (the office PCs' screen), on a real
// `dangan serve` with a few sample records. Run with `npm run screenshots` (needs Debian's Chromium).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CONTRACT_FONT, CONTRACT_TEXT } from '../../src/modules/ocr/ocr.contract.ts';
import { renderPage } from '../../src/modules/ocr/testing/render.ts';
import { scanPdf } from '../../src/modules/ocr/testing/scan-pdf.ts';
import { apiAs, launchBrowser, newPage, signInUi, startServer } from './harness.ts';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const PROJECT = {
  projectCode: '2024-150102-47-01-000123',
  creditCode: '91150100MA0N2XYH3K',
  applicant: '某建设集团有限公司',
};
const SAMPLES: { title: string; matterType?: string; level: string; text: string; file: boolean }[] = [
  {
    title: '某住宅项目用地预审与选址意见书',
    matterType: '用地预审与选址意见书',
    level: 'public',
    text: '经审查，该项目选址符合国土空间规划，同意选址。',
    file: true,
  },
  {
    title: '某住宅项目建设用地规划许可证',
    matterType: '建设用地规划许可证',
    level: 'public',
    text: '用地位置、用地面积、用地性质符合规划条件，核发建设用地规划许可证。',
    file: true,
  },
  {
    title: '某住宅项目建设工程规划许可证',
    matterType: '建设工程规划许可证',
    level: 'internal',
    text: '建设规模与设计方案经审定，核发建设工程规划许可证。',
    file: true,
  },
  {
    title: '某住宅项目建筑工程施工许可证',
    matterType: '建筑工程施工许可证',
    level: 'internal',
    text: '经审查，符合施工条件，准予核发建筑工程施工许可证。',
    file: true,
  },
  {
    title: '某住宅项目竣工验收备案',
    matterType: '竣工验收备案',
    level: 'internal',
    text: '工程竣工验收备案材料齐全，予以备案。',
    file: false,
  },
];

async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

await mkdir(OUT, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  // The administrator's first sign-in (shot before the password change), then set-up by API.
  let { page, context } = await newPage(browser);
  await page.goto(`${server.base}/`);
  await shot(page, '01-sign-in');
  const adminPassword = await signInUi(page, server.base, 'admin', server.adminPassword);
  const admin = await apiAs(server.base, 'admin', adminPassword);
  const orgs = (await admin('GET', '/api/v1/organisations')).json as { items: { code: string }[] };
  const created = await admin('POST', '/api/v1/users', {
    username: 'lijuan',
    displayName: '李娟',
    organisation: orgs.items[0]!.code,
    roles: ['archivist'],
    clearance: 'sensitive',
  });
  const oneTime = (created.json as { oneTimePassword: string }).oneTimePassword;
  await page.goto(`${server.base}/admin`);
  await page.getByRole('cell', { name: 'lijuan' }).waitFor();
  await shot(page, '08-administration');
  await context.close();

  ({ page, context } = await newPage(browser));
  const password = await signInUi(page, server.base, 'lijuan', oneTime);
  const archivist = await apiAs(server.base, 'lijuan', password);
  let worksId = '';
  for (const s of SAMPLES) {
    const form = new FormData();
    form.append(
      'metadata',
      JSON.stringify({
        title: s.title,
        category: 'SP',
        level: s.level,
        year: 2024,
        retention: 'D30',
        formedOn: '2024-05-20',
        extra: { ...PROJECT, matterType: s.matterType },
      }),
    );
    form.append('file', new Blob([`${s.title}\n${s.text}\n`], { type: 'text/plain' }), `${s.title}.txt`);
    const login = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lijuan', password }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${server.base}/api/v1/records${s.file ? '?file=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json()) as { recordId: string };
    if (s.matterType === '建筑工程施工许可证') worksId = body.recordId;
  }
  void archivist;
  // Let the background jobs index the records.
  for (let i = 0; i < 60; i++) {
    const r = await archivist('GET', `/api/v1/search?q=${encodeURIComponent('竣工验收备案')}`);
    if ((r.json as { total: number }).total > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await page.goto(`${server.base}/`);
  await page.getByText('最近的档案').waitFor();
  await shot(page, '02-home');
  await page.goto(`${server.base}/search?q=${encodeURIComponent('施工需可证')}`);
  await page.getByTestId('search-total').waitFor();
  await shot(page, '03-search-typo');
  await page.locator('.ant-list-item').first().getByRole('button', { name: '关联档案' }).click();
  await page.getByTestId('related-panel').waitFor();
  await shot(page, '04-related-approval-chain');
  await page.goto(`${server.base}/records/${worksId}`);
  await page.getByTestId('archive-no').waitFor();
  await shot(page, '05-record');
  await page.goto(`${server.base}/ingest`);
  await page.locator('input[type=file]').setInputFiles([
    {
      name: '关于印发政务服务事项清单的通知.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('关于印发政务服务事项清单的通知。\n'),
    },
    {
      name: 'setup.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]),
    },
  ]);
  await page.getByRole('button', { name: '开始上传' }).click();
  await page.getByText('被拒绝').waitFor();
  await page.getByText('已入库').waitFor();
  await shot(page, '06-ingest');
  await page.goto(`${server.base}/filing`);
  await page.locator('.ant-table-row').first().waitFor();
  await shot(page, '07-filing');
  await page.locator('.ant-table-row').first().getByRole('button', { name: '著录' }).click();
  await page.getByTestId('suggestions').waitFor();
  await shot(page, '11-filing-suggestions');
  await page.keyboard.press('Escape');
  // A scanned page with a seal, recognised in the background, on the review page.
  const scan = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, seals: 1 });
  await page.goto(`${server.base}/ingest`);
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: '行政许可批复扫描件.png', mimeType: 'image/png', buffer: scan.image });
  await page.getByRole('button', { name: '开始上传' }).click();
  await page.getByTestId('ingest-result').getByRole('link').click();
  const scanId = new URL(page.url()).pathname.split('/').pop()!;
  for (let i = 0; i < 150; i++) {
    await page.goto(`${server.base}/ocr/${scanId}`);
    await page.getByText('识别文本（可修改）').or(page.getByText('还没有 OCR 结果')).first().waitFor();
    if (await page.getByText('识别文本（可修改）').isVisible()) break;
    await page.waitForTimeout(2000);
  }
  await page.locator('svg rect').first().waitFor();
  await shot(page, '09-ocr-review');
  // A scanned PDF: its page is rendered by the server for review like an image.
  const pdfScan = await scanPdf([{ image: scan.image, format: 'png', dpi: 150 }]);
  const pdfForm = new FormData();
  pdfForm.append('metadata', JSON.stringify({ title: '行政许可批复（扫描 PDF）', level: 'internal' }));
  pdfForm.append('file', new Blob([pdfScan], { type: 'application/pdf' }), '行政许可批复扫描件.pdf');
  const pdfLogin = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lijuan', password }),
  });
  const pdfToken = ((await pdfLogin.json()) as { token: string }).token;
  const pdfRecord = (await (
    await fetch(`${server.base}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pdfToken}` },
      body: pdfForm,
    })
  ).json()) as { record: { id: string } };
  for (let i = 0; i < 150; i++) {
    await page.goto(`${server.base}/ocr/${pdfRecord.record.id}`);
    await page.getByText('识别文本（可修改）').or(page.getByText('还没有 OCR 结果')).first().waitFor();
    if (await page.getByText('识别文本（可修改）').isVisible()) break;
    await page.waitForTimeout(2000);
  }
  await page.locator('svg rect').first().waitFor();
  const firstLine = page.getByLabel('第 1 行', { exact: true });
  await firstLine.fill(`${await firstLine.inputValue()}（已校对）`);
  await shot(page, '15-ocr-review-pdf');
  // The same home page in the second language.
  await page.getByText('EN', { exact: true }).click();
  await page.goto(`${server.base}/`);
  await page.getByText('Recent records').waitFor();
  await shot(page, '10-home-english');
  await context.close();
  // The three duty roles: users and access (administrator), keys (security), audit trail (auditor).
  for (const [username, role, path, name] of [
    ['baomi', 'security', '/keys', '13-keys'],
    ['shenji', 'auditor', '/audit', '12-audit-trail'],
  ] as const) {
    const made = await admin('POST', '/api/v1/users', {
      username,
      organisation: orgs.items[0]!.code,
      roles: [role],
      clearance: 'public',
    });
    ({ page, context } = await newPage(browser));
    await signInUi(page, server.base, username, (made.json as { oneTimePassword: string }).oneTimePassword);
    await page.goto(`${server.base}${path}`);
    await page.locator('.ant-table-row, .ant-table-placeholder').first().waitFor();
    await shot(page, name);
    await context.close();
  }
  ({ page, context } = await newPage(browser));
  await signInUi(page, server.base, 'admin', adminPassword);
  await page.goto(`${server.base}/users`);
  await page.getByRole('row', { name: /lijuan/ }).waitFor();
  await shot(page, '14-users-and-access');
  await admin('PUT', '/api/v1/search/dictionaries/synonyms', {
    text: '# 本单位增补\n安检大排查 安全生产检查\n一网通办 政务服务一网通办\n',
  });
  await page.goto(`${server.base}/admin`);
  await page.getByRole('tab', { name: '检索词典' }).click();
  await page.getByText('安检大排查').first().waitFor();
  await shot(page, '16-admin-dictionaries');
  await page.getByRole('tab', { name: '系统状态' }).click();
  await page.getByTestId('index-health').waitFor();
  await shot(page, '17-system-status');
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
