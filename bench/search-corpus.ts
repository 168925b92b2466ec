/**
 * A deterministic generator of realistic approval records for the search benchmark: departments,
 * matter types, enterprises with valid unified social credit codes (GB 32100-2015 check digit),
 * project codes and approval chains, 文号 per department and year, dates 2010–2025, bodies drawn
 * from the national laws in ../shared/data/lawrefbook-laws (generated text when absent).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '../src/db/database.port.ts';
import type { SearchDocument } from '../src/modules/search/search.port.ts';
import { rngFor } from './corpus.ts';

export interface Organisation {
  id: string;
  code: string;
  path: string;
  /** 文号 agency prefix */
  prefix: string;
  region: string;
}

export const CHAIN = [
  '用地预审与选址意见书',
  '建设用地规划许可证',
  '建设工程规划许可证',
  '建筑工程施工许可证',
  '竣工验收备案',
];
const MATTERS = [
  ...CHAIN,
  '营业执照变更登记',
  '食品经营许可证',
  '排污许可证',
  '环境影响报告表审批',
  '药品经营许可证',
  '道路运输经营许可证',
  '城镇污水排入排水管网许可证',
  '户外广告设施设置审批',
  '人防工程施工图审查',
  '特种设备使用登记',
];
const DEPARTMENTS = [
  '自然资源和规划局',
  '住房和城乡建设局',
  '生态环境局',
  '市场监督管理局',
  '发展和改革委员会',
];
const NAME_CHARS =
  '鑫泰华瑞恒通宏达盛源金诚信德隆兴嘉禾永安康顺昌明远博创科星汇丰海天润峰正邦亿合众利新宇晨光佳美和谐祥云锦程中实弘业振鼎';
const INDUSTRIES = [
  '建材',
  '房地产开发',
  '建筑工程',
  '食品',
  '物流',
  '环保科技',
  '医药',
  '商贸',
  '能源',
  '乳业',
  '机械制造',
  '信息技术',
];
const PROJECT_KINDS = [
  '住宅小区',
  '商业综合体',
  '物流园',
  '厂房',
  '办公楼',
  '污水处理厂',
  '学校',
  '安置房',
  '产业园',
];
const PLACES = [
  '北垣街',
  '新华大街',
  '成吉思汗大街',
  '海拉尔东路',
  '鄂尔多斯大街',
  '昭乌达路',
  '锡林南路',
  '金桥开发区',
  '如意开发区',
  '金川开发区',
];
const LEVELS = [
  { code: 'public', rank: 0, weight: 0.7 },
  { code: 'internal', rank: 1, weight: 0.25 },
  { code: 'sensitive', rank: 2, weight: 0.05 },
];
const RETENTIONS = ['Y', 'D30', 'D10'];

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code with a correct check character (GB 32100-2015). */
export function creditCode(region: string, rnd: () => number): string {
  let body = '91' + region;
  for (let i = 0; i < 9; i++) body += CODE_CHARS[Math.floor(rnd() * (i < 8 ? 31 : 10))]!;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CODE_CHARS.indexOf(body[i]!) * CODE_WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return body + CODE_CHARS[check]!;
}

function loadParagraphs(dataDir: string): string[] {
  const root = join(dataDir, 'lawrefbook-laws');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) {
        for (const line of readFileSync(path, 'utf8').split('\n'))
          if (line.length >= 40 && !line.startsWith('#') && !line.startsWith('<')) out.push(line.trim());
      }
    }
  };
  if (existsSync(root)) walk(root);
  if (out.length === 0) {
    const chars =
      '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研';
    for (let i = 0; i < 5000; i++) {
      let p = '';
      const r = rngFor(`para:${i}`);
      for (let j = 0; j < 120; j++) p += chars[Math.floor(r() * chars.length)]!;
      out.push(`${p}。`);
    }
  }
  return out;
}

export interface Generated {
  doc: SearchDocument;
  enterprise: string;
  creditCode: string;
  project: string;
  projectCode: string;
  matter: string;
}

/**
 * Makes records one at a time; record i is the same on every run. Enterprises own projects, and a
 * project's records follow the approval chain in order.
 */
export function recordGenerator(options: { organisations: Organisation[]; dataDir: string; seed?: string }) {
  const paragraphs = loadParagraphs(options.dataDir);
  const enterprises = Array.from({ length: 20_000 }, (_, i) => {
    const r = rngFor(`${options.seed ?? 'search'}:enterprise:${i}`);
    const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
    const org = pick(options.organisations);
    const name = `呼和浩特市${pick([...NAME_CHARS])}${pick([...NAME_CHARS])}${pick(INDUSTRIES)}有限公司`;
    return { name, code: creditCode(org.region, r) };
  });
  const counters = new Map<string, number>();
  return (i: number): Generated => {
    const r = rngFor(`${options.seed ?? 'search'}:record:${i}`);
    const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
    const enterpriseNo = Math.floor(r() * enterprises.length);
    const enterprise = enterprises[enterpriseNo]!;
    const projectNo = Math.floor(r() * 3);
    const pr = rngFor(`project:${enterpriseNo}:${projectNo}`);
    const project = `${PLACES[Math.floor(pr() * PLACES.length)]!}${NAME_CHARS[Math.floor(pr() * NAME_CHARS.length)]!}${NAME_CHARS[Math.floor(pr() * NAME_CHARS.length)]!}${PROJECT_KINDS[Math.floor(pr() * PROJECT_KINDS.length)]!}项目`;
    const year = 2010 + Math.floor(r() * 16);
    // A project keeps one code along its chain (the year it was registered), whatever the record's year.
    const projectCode = `${2010 + Math.floor(pr() * 16)}-150100-${String(47 + Math.floor(pr() * 30)).padStart(2, '0')}-01-${String(Math.floor(pr() * 1e6)).padStart(6, '0')}`;
    const matter = r() < 0.5 ? CHAIN[i % CHAIN.length]! : pick(MATTERS);
    const org = pick(options.organisations);
    const key = `${org.code}:${year}`;
    const seq = (counters.get(key) ?? 0) + 1;
    counters.set(key, seq);
    const docNumber = `${org.prefix}〔${year}〕${seq}号`;
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    const formedOn = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    let u = r();
    const level = LEVELS.find((l) => (u -= l.weight) < 0) ?? LEVELS[0]!;
    const title =
      r() < 0.7
        ? `关于${enterprise.name}${project}${matter}的批复`
        : `${enterprise.name}${project}${matter}申请材料`;
    let body = `${enterprise.name}（统一社会信用代码：${enterprise.code}）申请办理${project}${matter}，项目代码${projectCode}。经审查，`;
    const target = 600 + Math.floor(r() * 600);
    while (body.length < target) body += pick(paragraphs);
    body += `特此批复。${pick(DEPARTMENTS)}。`;
    const doc: SearchDocument = {
      id: uuidFor(i),
      status: 'filed',
      archiveNo: `F001-SP·${year}-${pick(RETENTIONS)}-${org.code}-${String(seq).padStart(4, '0')}`,
      docNumber,
      title,
      body,
      names: [enterprise.name, project],
      identifiers: [enterprise.code, projectCode],
      fonds: 'F001',
      category: 'SP',
      organisationId: org.id,
      organisationPath: org.path,
      level: level.code,
      levelRank: level.rank,
      retention: pick(RETENTIONS),
      matterType: matter,
      year,
      formedOn,
    };
    return { doc, enterprise: enterprise.name, creditCode: enterprise.code, project, projectCode, matter };
  };
}

function uuidFor(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * Writes generated records into the database in one statement (the benchmarks' bulk load: filed,
 * in the first fonds and the approval category, with the links related records are found by).
 */
export async function storeGenerated(db: Queryable, batch: readonly Generated[]): Promise<void> {
  const col = <T>(f: (g: Generated) => T) => batch.map(f);
  await db.query(
    `INSERT INTO records (id, status, fonds_id, category_id, organisation_id, title, doc_number, formed_on, year,
                          secrecy_level, retention_code, extra, archive_no, item_no, filed_at, created_by)
     SELECT u.id, 'filed', (SELECT id FROM fonds ORDER BY code LIMIT 1), (SELECT id FROM categories WHERE code = 'SP'),
            u.org, u.title, u.doc_number, u.formed_on, u.year, u.level, u.retention,
            u.extra, u.archive_no, u.item_no, now(), 'bench'
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::int[], $7::text[], $8::text[],
                   $9::jsonb[], $10::text[], $11::int[])
            AS u(id, org, title, doc_number, formed_on, year, level, retention, extra, archive_no, item_no)
     ON CONFLICT DO NOTHING`,
    [
      col((g) => g.doc.id),
      col((g) => g.doc.organisationId),
      col((g) => g.doc.title),
      col((g) => g.doc.docNumber),
      col((g) => g.doc.formedOn),
      col((g) => g.doc.year),
      col((g) => g.doc.level),
      col((g) => g.doc.retention),
      col((g) =>
        JSON.stringify({
          matterType: g.matter,
          projectCode: g.projectCode,
          creditCode: g.creditCode,
          applicant: g.enterprise,
          projectName: g.project,
        }),
      ),
      col((g) => `${g.doc.archiveNo}-${g.doc.id.slice(-6)}`),
      col((g) => Number.parseInt(g.doc.id.slice(-8), 16) % 1_000_000 || 1),
    ],
  );
}
