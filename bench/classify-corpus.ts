/**
 * A deterministic generator of approval-archive documents for the classification and extraction
 * benchmark: 15 classes of approval matters (several confusable: 设立/变更登记, 食品/药品经营许可,
 * 三类建设项目), departments shared between classes, years 2012–2025, official-document layout
 * (GB/T 9704-2012: header, 文号, title, recipients, body, signature, date), valid credit codes,
 * project codes, amounts, addresses. Each document knows its true fields, so extraction precision and
 * recall can be measured, also after OCR-like noise (spaces, full-width digits, O/0 and l/1, other
 * brackets and dashes, a few wrong characters in the body).
 */
import { creditCode } from './search-corpus.ts';
import { rngFor } from './corpus.ts';

type Rng = () => number;
const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

interface MatterClass {
  label: string;
  /** departments (科室) that handle it; shared between classes */
  departments: string[];
  prefix: string;
  subjects: string[];
  titles: string[];
  body: string[];
  project: boolean;
}

const CLASSES: MatterClass[] = [
  {
    label: '建设项目审批/基础设施类',
    departments: ['投资项目审批科', '工程建设项目审批科'],
    prefix: '审批投字',
    subjects: [
      '城市道路改造工程',
      '跨河大桥新建工程',
      '供水管网改造工程',
      '污水处理厂提标改造工程',
      '城市综合管廊工程',
      '集中供热管网工程',
      '雨污分流改造工程',
    ],
    titles: [
      '关于{org}{subject}可行性研究报告的批复',
      '关于{org}{subject}初步设计的批复',
      '关于{subject}项目建议书的批复',
    ],
    body: [
      '建设内容包括道路、管线及附属设施。',
      '项目建成后将完善区域市政基础设施，改善群众出行和生活条件。',
      '请严格执行基本建设程序，落实工程质量和安全生产责任。',
      '资金来源为财政资金和地方政府专项债券。',
    ],
    project: true,
  },
  {
    label: '建设项目审批/房屋建筑类',
    departments: ['工程建设项目审批科', '规划审批科'],
    prefix: '审批建字',
    subjects: ['住宅小区', '商业综合体', '保障性安置房', '综合办公楼', '酒店及配套商业', '老旧小区改造'],
    titles: [
      '关于{org}{subject}项目建设工程规划许可的批复',
      '关于{org}{subject}项目设计方案的批复',
      '关于{subject}项目建设用地规划许可的批复',
    ],
    body: [
      '项目总建筑面积{n}平方米，其中地上建筑面积{n}平方米，容积率不大于2.5。',
      '请按照批准的建设工程设计方案进行施工，不得擅自变更。',
      '建筑退让道路红线及日照间距应符合城市规划管理技术规定。',
      '项目用地性质为城镇住宅用地及商服用地。',
    ],
    project: true,
  },
  {
    label: '建设项目审批/工业项目类',
    departments: ['投资项目审批科', '工程建设项目审批科'],
    prefix: '审批投字',
    subjects: [
      '年产{n}吨乳制品生产线',
      '新能源电池材料',
      '装备制造产业园厂房',
      '煤化工技术改造',
      '光伏组件生产基地',
      '稀土新材料深加工',
    ],
    titles: [
      '关于{org}{subject}项目核准的批复',
      '关于{org}{subject}项目备案的通知',
      '关于{subject}项目节能审查意见的批复',
    ],
    body: [
      '主要建设生产车间、仓库及配套公用工程。',
      '项目符合国家产业政策，达产后年产值约{n}万元。',
      '请落实能耗双控要求，采用先进节能工艺和设备。',
      '项目建设单位应依法办理环评、安评等相关手续。',
    ],
    project: true,
  },
  {
    label: '环境影响评价',
    departments: ['生态环境审批科', '投资项目审批科'],
    prefix: '审批环字',
    subjects: [
      '污水处理厂提标改造工程',
      '年产{n}吨乳制品生产线',
      '危险废物处置中心',
      '垃圾焚烧发电',
      '商业综合体',
      '矿山开采',
    ],
    titles: [
      '关于{org}{subject}项目环境影响报告书的批复',
      '关于{org}{subject}项目环境影响报告表的批复',
      '关于{subject}项目环境影响评价文件的审批意见',
    ],
    body: [
      '项目在落实报告书提出的各项污染防治措施后，污染物可达标排放。',
      '施工期应采取洒水抑尘等措施，减少扬尘和噪声对周边环境的影响。',
      '项目竣工后，建设单位应按规定开展竣工环境保护验收。',
      '废水经预处理后排入城市污水管网，固体废物应分类收集并妥善处置。',
    ],
    project: true,
  },
  {
    label: '施工许可',
    departments: ['工程建设项目审批科', '规划审批科'],
    prefix: '审批施字',
    subjects: ['住宅小区', '城市道路改造工程', '综合办公楼', '学校教学楼', '厂房'],
    titles: [
      '关于核发{org}{subject}项目建筑工程施工许可证的决定',
      '{org}{subject}项目建筑工程施工许可证',
      '关于{subject}项目施工许可的批复',
    ],
    body: [
      '经审查，该工程已具备施工条件，准予核发建筑工程施工许可证。',
      '施工单位、监理单位已确定，施工图设计文件已按规定审查合格。',
      '建设资金已经落实，质量安全监督手续已办理。',
      '请在领取施工许可证之日起三个月内开工。',
    ],
    project: true,
  },
  {
    label: '竣工验收备案',
    departments: ['工程建设项目审批科', '城建档案科'],
    prefix: '审批验字',
    subjects: ['住宅小区', '综合办公楼', '商业综合体', '学校教学楼', '城市道路改造工程'],
    titles: [
      '{org}{subject}项目竣工验收备案表',
      '关于{org}{subject}项目竣工验收备案的通知',
      '关于{subject}项目竣工验收备案的证明',
    ],
    body: [
      '该工程已按设计和合同要求完成，工程竣工验收合格，准予备案。',
      '建设单位已提交竣工验收报告、规划核实意见及消防验收意见。',
      '工程质量监督报告及住宅质量保证书、使用说明书齐全。',
      '竣工验收备案文件应归档保存。',
    ],
    project: true,
  },
  {
    label: '企业登记/设立登记',
    departments: ['市场准入科', '企业登记科'],
    prefix: '审批登字',
    subjects: ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业'],
    titles: ['关于{org}设立登记的核准通知', '{org}设立登记准予通知书', '关于准予{org}设立登记的决定'],
    body: [
      '经审查，提交的设立登记申请材料齐全，符合法定形式，准予设立登记。',
      '企业名称已经预先核准，注册资本{n}万元，经营范围以登记机关核定为准。',
      '请于领取营业执照后依法刻制印章、开立银行账户。',
      '法定代表人、股东及出资情况详见登记材料。',
    ],
    project: false,
  },
  {
    label: '企业登记/变更登记',
    departments: ['市场准入科', '企业登记科'],
    prefix: '审批登字',
    subjects: ['法定代表人', '注册资本', '经营范围', '住所', '企业名称'],
    titles: [
      '关于{org}{subject}变更登记的核准通知',
      '{org}变更登记准予通知书',
      '关于准予{org}变更{subject}登记的决定',
    ],
    body: [
      '经审查，提交的变更登记申请材料齐全，符合法定形式，准予变更登记。',
      '变更后注册资本为{n}万元，其他登记事项不变。',
      '请于变更登记后及时换领营业执照并办理相关备案。',
      '原法定代表人已签署免职文件，新任法定代表人任职文件齐全。',
    ],
    project: false,
  },
  {
    label: '食品经营许可',
    departments: ['市场准入科', '社会事务审批科'],
    prefix: '审批食字',
    subjects: ['餐饮服务', '预包装食品销售', '散装食品销售', '单位食堂', '热食类食品制售'],
    titles: [
      '关于{org}食品经营许可证核发的决定',
      '{org}食品经营许可证（{subject}）',
      '关于准予{org}食品经营许可的决定',
    ],
    body: [
      '经现场核查，经营场所、设施设备及食品安全管理制度符合要求，准予食品经营许可。',
      '经营项目：{subject}。许可证有效期五年。',
      '请严格落实食品安全主体责任，建立进货查验记录制度。',
      '从业人员应持有有效健康证明。',
    ],
    project: false,
  },
  {
    label: '药品经营许可',
    departments: ['市场准入科', '社会事务审批科'],
    prefix: '审批药字',
    subjects: ['药品零售', '药品零售连锁', '第二类医疗器械经营', '中药饮片零售'],
    titles: [
      '关于{org}药品经营许可证核发的决定',
      '{org}药品经营许可证（{subject}）',
      '关于准予{org}药品经营许可的决定',
    ],
    body: [
      '经现场检查，经营场所、仓储条件及质量管理体系符合药品经营质量管理规范，准予药品经营许可。',
      '经营范围：{subject}。许可证有效期五年。',
      '企业应配备依法经过资格认定的执业药师。',
      '请严格执行处方药与非处方药分类管理规定。',
    ],
    project: false,
  },
  {
    label: '排水许可',
    departments: ['社会事务审批科', '工程建设项目审批科'],
    prefix: '审批水字',
    subjects: ['餐饮服务', '洗车服务', '住宅小区', '工业园区', '医院'],
    titles: [
      '关于{org}城镇污水排入排水管网许可的决定',
      '{org}城镇污水排入排水管网许可证',
      '关于准予{org}排水许可的决定',
    ],
    body: [
      '经审查，排水户的排水口设置、预处理设施符合要求，准予排水许可。',
      '排放的污水水质应符合污水排入城镇下水道水质标准。',
      '排水许可证有效期五年，排水户应按许可内容排放污水。',
      '不得向城镇排水设施排放剧毒、易燃易爆物质。',
    ],
    project: false,
  },
  {
    label: '林草审批/使用林地',
    departments: ['农牧林水审批科', '投资项目审批科'],
    prefix: '审批林字',
    subjects: ['城市道路改造工程', '光伏组件生产基地', '矿山开采', '风电场', '输变电线路工程'],
    titles: [
      '关于{org}{subject}项目使用林地的审核意见',
      '关于{subject}项目占用草原的批复',
      '关于{org}{subject}项目使用林地审核同意书',
    ],
    body: [
      '经审核，同意该项目使用林地{n}公顷，用于项目建设。',
      '请依法缴纳森林植被恢复费，并按规定办理林木采伐手续。',
      '项目使用林地不得超出批准的范围，严禁擅自改变用途。',
      '占用草原应当依法缴纳草原植被恢复费。',
    ],
    project: true,
  },
  {
    label: '社会事务/民办非企业单位登记',
    departments: ['社会事务审批科', '市场准入科'],
    prefix: '审批社字',
    subjects: ['养老服务中心', '培训学校', '社会工作服务中心', '幼儿园', '康复中心'],
    titles: [
      '关于{org}民办非企业单位成立登记的批复',
      '关于准予{org}{subject}登记的决定',
      '{org}民办非企业单位登记证书',
    ],
    body: [
      '经审查，该单位符合民办非企业单位登记管理暂行条例规定的条件，准予成立登记。',
      '开办资金{n}万元，业务主管单位已出具同意意见。',
      '请按照章程规定的宗旨和业务范围开展活动，不得从事营利性经营活动。',
      '单位应当建立健全财务制度，接受年度检查。',
    ],
    project: false,
  },
  {
    label: '交通运输/道路运输经营许可',
    departments: ['社会事务审批科', '交通运输审批科'],
    prefix: '审批交字',
    subjects: ['普通货物运输', '危险货物运输', '客运班线', '机动车维修', '驾驶员培训'],
    titles: [
      '关于{org}道路运输经营许可的决定',
      '{org}道路运输经营许可证（{subject}）',
      '关于准予{org}从事{subject}经营的决定',
    ],
    body: [
      '经审查，申请人的车辆、驾驶人员及安全生产管理制度符合要求，准予道路运输经营许可。',
      '经营范围：{subject}。',
      '请按照许可的经营范围从事经营活动，严格执行安全生产管理规定。',
      '营运车辆应当按规定配发道路运输证。',
    ],
    project: false,
  },
  {
    label: '卫生健康/医疗机构执业许可',
    departments: ['社会事务审批科', '卫生健康审批科'],
    prefix: '审批卫字',
    subjects: ['综合门诊部', '口腔诊所', '中医诊所', '康复医院', '社区卫生服务站'],
    titles: [
      '关于{org}医疗机构执业登记的批复',
      '{org}医疗机构执业许可证（{subject}）',
      '关于准予{org}{subject}执业登记的决定',
    ],
    body: [
      '经现场审查，该机构的房屋、设备、人员及规章制度符合医疗机构基本标准，准予执业登记。',
      '诊疗科目以执业许可证核定为准，床位{n}张。',
      '请严格按照核准登记的诊疗科目开展诊疗活动。',
      '医疗废物应当按规定分类收集并交有资质的单位处置。',
    ],
    project: false,
  },
];

const CITIES = [
  { city: '呼和浩特市', short: '呼', region: '150100', districts: ['新城区', '回民区', '赛罕区', '玉泉区'] },
  { city: '包头市', short: '包', region: '150200', districts: ['昆都仑区', '青山区', '九原区'] },
  { city: '鄂尔多斯市', short: '鄂', region: '150600', districts: ['东胜区', '康巴什区'] },
  { city: '赤峰市', short: '赤', region: '150400', districts: ['红山区', '松山区'] },
];
const NAME = '鑫泰华瑞恒通宏达盛源金诚信德隆兴嘉禾永安康顺昌明远博创科星汇丰海天润峰正邦亿合众利新宇晨光';
const FORMS = ['有限公司', '有限责任公司', '股份有限公司', '实业有限公司', '科技有限公司'];
const STREETS = ['新华大街', '成吉思汗大街', '昭乌达路', '鄂尔多斯大街', '北垣街', '锡林南路', '海拉尔东路'];
const BOILERPLATE = [
  '你单位报来的申请及相关材料收悉。经研究，现批复如下：',
  '根据《中华人民共和国行政许可法》及相关法律法规规定，经审查，现将有关事项通知如下：',
  '本决定自印发之日起生效。如不服本决定，可在收到之日起六十日内依法申请行政复议。',
  '请你单位接此批复后，认真抓好落实，并接受有关部门的监督检查。',
  '特此批复。',
];

const CROSS_REFERENCES = [
  '该项目已取得建设工程规划许可证和建筑工程施工许可证。',
  '项目环境影响报告书已经批复。',
  '申请人已依法办理营业执照变更登记。',
  '申请人已取得食品经营许可证。',
  '项目使用林地已经审核同意。',
  '该单位已取得排水许可证。',
  '项目可行性研究报告已经批复。',
  '该企业设立登记手续已办结。',
];

export interface TrueFields {
  docNumber: string;
  dates: string[];
  creditCodes: string[];
  projectCodes: string[];
}

export interface GeneratedDoc {
  label: string;
  title: string;
  text: string;
  truth: TrueFields;
}

const CN_DIGITS = '〇一二三四五六七八九';
const cnYear = (y: number) => [...String(y)].map((d) => CN_DIGITS[Number(d)]).join('');
const cnSmall = (n: number) =>
  n < 10
    ? CN_DIGITS[n]!
    : n === 10
      ? '十'
      : n < 20
        ? `十${CN_DIGITS[n % 10]}`
        : `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 ? CN_DIGITS[n % 10] : ''}`;

function fill(template: string, r: Rng, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) =>
    key === 'n' ? String(int(r, 2, 9) * 10 ** int(r, 1, 4)) : (values[key] ?? ''),
  );
}

/** Documents i = 0…count-1, balanced over the classes with a skew (imbalance), all from the seed. */
export function generateApprovalDocs(count: number, seed = 'classify'): GeneratedDoc[] {
  const docs: GeneratedDoc[] = [];
  for (let i = 0; i < count; i++) {
    const r = rngFor(`${seed}:${i}`);
    // Imbalance: the first classes are up to 3× as frequent as the last ones.
    let c = Math.floor(r() * CLASSES.length);
    if (r() < 0.35) c = Math.floor(r() * 5);
    const cls = CLASSES[c]!;
    const city = pick(r, CITIES);
    const year = int(r, 2012, 2025);
    const month = int(r, 1, 12);
    const day = int(r, 1, 28);
    const org = `${city.city.slice(0, 2)}${pick(r, [...NAME])}${pick(r, [...NAME])}${pick(r, ['建设', '置业', '食品', '医药', '物流', '能源', '科技', '实业', '商贸'])}${pick(r, FORMS)}`;
    const subject = fill(pick(r, cls.subjects), r, {});
    const values = { org, subject };
    // A few titles say nothing about the matter (as in real archives): the body has to.
    const title =
      r() < 0.03
        ? `关于${org}有关事项的${pick(r, ['批复', '通知', '决定'])}`
        : fill(pick(r, cls.titles), r, values);
    const department = pick(r, cls.departments);
    const docNumber = `${city.short}${cls.prefix}〔${year}〕${int(r, 1, 480)}号`;
    const code = creditCode(city.region, r);
    const projectCode = `${year}-${city.region}-${pick(r, ['47', '48', '44', '13', '26', '78'])}-${pick(r, ['01', '02', '03'])}-${String(int(r, 1, 999_999)).padStart(6, '0')}`;
    const dateChinese = r() < 0.5;
    const writtenDate = dateChinese
      ? `${cnYear(year)}年${cnSmall(month)}月${cnSmall(day)}日`
      : `${year}年${month}月${day}日`;
    const applyMonth = month > 1 ? month - 1 : 12;
    const applyYear = month > 1 ? year : year - 1;
    const applyDate = `${applyYear}年${applyMonth}月${day}日`;
    const dates = [
      `${applyYear}-${String(applyMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ];
    const lines = [
      `${city.city}行政审批和政务服务局文件`,
      '',
      docNumber,
      '',
      title,
      '',
      `${org}：`,
      `    你单位于${applyDate}报来的申请（统一社会信用代码：${code}）收悉。${pick(r, BOILERPLATE)}`,
    ];
    const bodyOrder = [...cls.body].sort(() => r() - 0.5);
    for (const sentence of bodyOrder.slice(0, int(r, 2, 4))) lines.push(`    ${fill(sentence, r, values)}`);
    // Approvals cite earlier steps of the same project or enterprise: another matter's wording.
    if (r() < 0.4) lines.push(`    ${pick(r, CROSS_REFERENCES)}`);
    if (cls.project)
      lines.push(
        `    项目代码：${projectCode}，建设地点：${city.city}${pick(r, city.districts)}${pick(r, STREETS)}${int(r, 1, 300)}号，总投资${int(r, 100, 90000)}万元。`,
      );
    else
      lines.push(
        `    住所：${city.city}${pick(r, city.districts)}${pick(r, STREETS)}${int(r, 1, 300)}号，联系电话：0471-${int(r, 2_000_000, 6_999_999)}。`,
      );
    lines.push(
      `    ${pick(r, BOILERPLATE)}`,
      `    承办科室：${department}。`,
      '',
      `${city.city}行政审批和政务服务局`,
      writtenDate,
    );
    docs.push({
      label: cls.label,
      title,
      text: lines.join('\n'),
      truth: { docNumber, dates, creditCodes: [code], projectCodes: cls.project ? [projectCode] : [] },
    });
  }
  return docs;
}

const FULLWIDTH = (ch: string) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0);
const LOOKALIKE: Record<string, string> = {
  审: '宙',
  批: '扯',
  局: '居',
  项: '顶',
  请: '清',
  设: '没',
  目: '日',
};

/** OCR-like noise: stray spaces, full-width digits, O/0 and l/1, other brackets and dashes, wrong look-alike characters. */
export function ocrNoise(text: string, seed: string): string {
  const r = rngFor(`ocr:${seed}`);
  const brackets = pick(r, [
    ['〔', '〕'],
    ['[', ']'],
    ['(', ')'],
    ['【', '】'],
    ['（', '）'],
    ['〔', '〕'],
  ] as const);
  const fullwidth = r() < 0.3;
  let out = '';
  let body = false; // look-alike characters only in body paragraphs (identifiers are printed apart)
  let lineStart = true;
  for (const ch of text) {
    if (lineStart) body = ch === ' ';
    lineStart = ch === '\n';
    let c: string = ch;
    const x = r();
    if (c === '〔') c = brackets[0];
    else if (c === '〕') c = brackets[1];
    else if (c === '-' && x < 0.3) c = pick(r, ['—', '－', '–']);
    else if (c >= '0' && c <= '9') {
      if (c === '0' && x < 0.03) c = 'O';
      else if (c === '1' && x < 0.03) c = 'l';
      else if (fullwidth) c = FULLWIDTH(c);
    } else if (body && c in LOOKALIKE && x < 0.02) c = LOOKALIKE[c]!;
    out += c;
    if (c !== '\n' && r() < 0.03) out += ' ';
  }
  return out;
}
