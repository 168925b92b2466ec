/**
 * The OCR test set: pages with known text from the laws in ../shared/data/lawrefbook-laws and
 * generated approval documents (文号, dates, unified social credit codes, project codes, amounts),
 * in several Debian CJK faces, by category: clean, degraded, seal, table, skew.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPage, rng, type RenderOptions } from '../src/modules/ocr/testing/render.ts';

export const CATEGORIES = ['clean', 'degraded', 'seal', 'table', 'skew'] as const;
export type Category = (typeof CATEGORIES)[number];

/** 宋体-, 楷体-, 黑体- and 明体-like faces from fonts-noto-cjk, fonts-arphic-*, fonts-wqy-zenhei. */
export const FONTS = [
  'Noto Serif CJK SC',
  'AR PL UKai CN',
  'WenQuanYi Zen Hei',
  'AR PL UMing CN',
  'Noto Sans CJK SC',
];

export const DEFAULT_LAWS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'lawrefbook-laws');

/** Article paragraphs of the laws: headings, history lines and Markdown marks left out. */
export async function loadLawParagraphs(dir = DEFAULT_LAWS_DIR, files = 40): Promise<string[]> {
  const folders = ['行政法', '行政法规', '经济法'];
  const paragraphs: string[] = [];
  for (const folder of folders) {
    const names = (await readdir(join(dir, folder))).filter((n) => n.endsWith('.md')).sort();
    for (const name of names.slice(0, Math.ceil(files / folders.length))) {
      const text = await readFile(join(dir, folder, name), 'utf8');
      const body = text.split('<!-- INFO END -->')[1] ?? text;
      for (const line of body.split('\n')) {
        const clean = line.replace(/\*\*/g, '').trim();
        if (clean.length >= 12 && !clean.startsWith('#') && !clean.startsWith('<')) paragraphs.push(clean);
      }
    }
  }
  return paragraphs;
}

const PREFIXES = ['审批许', '审批建', '审批环', '审批市', '发改投'];
const SUBJECTS = [
  '建设用地规划许可',
  '建设工程规划许可',
  '环境影响报告表',
  '食品经营许可',
  '企业投资项目备案',
];
const COMPANIES = [
  '某某城市建设投资有限公司',
  '某某环保科技股份有限公司',
  '某某食品有限公司',
  '某某置业发展有限公司',
];

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Paragraphs and a table of a generated approval document (批复), deterministic per seed. */
export function approvalDocument(seed: number): {
  title: string;
  paragraphs: string[];
  table: string[][];
  /** a list of projects as an unruled table: a header row and three rows */
  items: string[][];
} {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const year = 2018 + Math.floor(random() * 8);
  const docNo = `${pick(PREFIXES)}〔${year}〕${1 + Math.floor(random() * 300)}号`;
  const credit = `9133${digits(4)}${Array.from({ length: 10 }, () => pick([...CREDIT_CHARS])).join('')}`;
  const project = `${year}-3301${digits(2)}-${digits(2)}-01-${digits(6)}`;
  const amount = `${1 + Math.floor(random() * 9000)}.${digits(2)}`;
  const date = `${year}年${1 + Math.floor(random() * 12)}月${1 + Math.floor(random() * 28)}日`;
  const subject = pick(SUBJECTS);
  const company = pick(COMPANIES);
  return {
    title: `关于${company}${subject}的批复`,
    paragraphs: [
      docNo,
      `${company}（统一社会信用代码：${credit}）：`,
      `你单位报送的${subject}申请及相关材料收悉。经审查，该项目（项目代码：${project}）总投资${amount}万元，符合有关规定，现批复如下：`,
      `一、同意你单位按照申报内容实施该项目，建设地点、规模和内容不得擅自变更。`,
      `二、请严格落实相关法律法规要求，自本批复之日起两年内有效。`,
      `某某市行政审批服务局\u3000${date}`,
      `抄送：市自然资源和规划局，市住房和城乡建设局，市生态环境局。`,
    ],
    items: [
      ['项目名称', '项目代码', '金额（万元）'],
      ...Array.from({ length: 3 }, (_, i) => [
        SUBJECTS[(SUBJECTS.indexOf(subject) + i) % SUBJECTS.length]!,
        `${year}-3301${digits(2)}-${digits(2)}-0${i + 1}-${digits(6)}`,
        `${1 + Math.floor(random() * 900)}.${digits(2)}`,
      ]),
    ],
    table: [
      ['建设项目审批信息表'],
      ['项目名称', '项目代码', '金额（万元）'],
      [subject, project, amount],
      ['批准文号', docNo, date],
    ],
  };
}

export interface TestPage {
  id: string;
  category: Category;
  /** for tables: with or without ruling lines */
  variant?: 'ruled' | 'unruled';
  font: string;
  dpi: number;
  options: RenderOptions;
}

/** The plan of a test set: `perCategory` pages in each category, alternating 200 and 300 dpi. */
export function planPages(laws: string[], perCategory: number): TestPage[] {
  const pages: TestPage[] = [];
  let n = 0;
  for (const category of CATEGORIES) {
    for (let i = 0; i < perCategory; i++, n++) {
      const font = FONTS[n % FONTS.length]!;
      const dpi = i % 2 === 0 ? 200 : 300;
      const start = (n * 37) % Math.max(1, laws.length - 20);
      const base: RenderOptions = {
        paragraphs: laws.slice(start, start + 20),
        font,
        dpi,
        seed: n + 1,
        maxLines: 18,
      };
      let options: RenderOptions;
      switch (category) {
        case 'clean':
          options = base;
          break;
        case 'degraded':
          options = { ...base, blur: 0.7, noise: 10, unevenPaper: true, jpegQuality: 55 };
          break;
        case 'seal':
          options = { ...base, seals: 2, jpegQuality: 85 };
          break;
        case 'table': {
          // Every other table page is unruled: columns only from alignment.
          const doc = approvalDocument(n);
          const unruled = i % 2 === 1;
          options = {
            ...base,
            title: doc.title,
            paragraphs: doc.paragraphs,
            table: unruled ? doc.items : doc.table,
            ...(unruled ? { tableStyle: 'unruled' as const } : {}),
            maxLines: 30,
          };
          break;
        }
        case 'skew':
          options = { ...base, skew: (i % 2 ? -1 : 1) * (1 + (i % 3)), noise: 6 };
          break;
      }
      const variant = category !== 'table' ? undefined : i % 2 === 1 ? 'unruled' : 'ruled';
      pages.push({
        id: `${category}-${i + 1}${variant === 'unruled' ? '-unruled' : ''}`,
        category,
        ...(variant ? { variant } : {}),
        font,
        dpi,
        options,
      });
    }
  }
  return pages;
}

export async function renderTestPage(page: TestPage) {
  return renderPage(page.options);
}
