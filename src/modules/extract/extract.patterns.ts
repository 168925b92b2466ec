/**
 * Identifier-like fields found by pattern on the folded text (see text-map.ts): 文号, dates, credit
 * codes, project codes, resident ids, permit numbers, phones, amounts. Each candidate is checked
 * (check characters, real dates) before it is offered with a high confidence.
 */
import { CHINESE_DIGIT_CLASS, parseChineseNumber, parseDigitString } from './chinese-numerals.ts';
import type { ExtractedField, FieldName } from './extract.types.ts';
import {
  isRealDate,
  isValidCreditCode,
  isValidProjectCode,
  isValidResidentId,
  maskResidentId,
} from './identifiers.ts';
import { DIGITISH, fixDigits, originalSpan, type MappedText } from './text-map.ts';

const D = DIGITISH;
const OPEN = '[〔\\[(【〈{⟨［（]';
const CLOSE = '[〕\\])】〉}⟩］）]';

function field(
  mapped: MappedText,
  name: FieldName,
  from: number,
  to: number,
  value: string,
  confidence: number,
  valid = true,
  raw: string | null = mapped.text.slice(from, to),
): ExtractedField {
  const { start, end } = originalSpan(mapped, from, to);
  return { field: name, value, start, end, confidence, valid, ...(raw === null ? {} : { raw }) };
}

// Words that precede a document number in running text but are not part of the issuer's code.
const DOC_PREFIX_NOISE =
  /^(?:根据|依据|按照|参照|执行|印发|转发|关于|对于|经|据|见|依|按|对|将|的|及|和|与|由|以|是|为|照|文|原|即|详见|了|在|于|等|号|件|附|抄送|同意|下达)+/;

/** 呼审批发〔2024〕17号 in any bracket, with OCR spaces and O/0, l/1 mix-ups. */
export function findDocNumbers(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const re = new RegExp(`(\\p{Script=Han}{1,10})${OPEN}(${D}{4})${CLOSE}第?(${D}{1,5})号`, 'gu');
  for (const m of mapped.text.matchAll(re)) {
    let prefix = m[1]!;
    const trimmed = prefix.replace(DOC_PREFIX_NOISE, '');
    const skip = prefix.length - trimmed.length;
    prefix = trimmed;
    if (prefix.length === 0) continue;
    const year = Number(fixDigits(m[2]!));
    const number = Number(fixDigits(m[3]!));
    const from = m.index + skip;
    const to = m.index + m[0].length;
    const plausible = year >= 1949 && year <= 2100 && number > 0;
    const clean = /^[0-9]+$/.test(m[2]!) && /^[0-9]+$/.test(m[3]!) && /〔/.test(m[0]);
    out.push(
      field(
        mapped,
        'docNumber',
        from,
        to,
        `${prefix}〔${year}〕${number}号`,
        plausible ? (clean ? 0.97 : 0.9) : 0.3,
        plausible,
      ),
    );
  }
  return out;
}

/** 2024年3月5日, 二〇二四年三月五日, 2024-03-05, 2024.3.5, 2024/3/5 → ISO dates. */
export function findDates(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const cn = `[${CHINESE_DIGIT_CLASS}O]`;
  const cnSmall = '[一二三四五六七八九十]{1,3}';
  const patterns: Array<{
    re: RegExp;
    parse: (m: RegExpMatchArray) => [number, number, number] | null;
    conf: number;
  }> = [
    {
      re: new RegExp(`(?<!\\d)(${D}{4})年(${D}{1,2})月(${D}{1,2})日`, 'g'),
      parse: (m) => [Number(fixDigits(m[1]!)), Number(fixDigits(m[2]!)), Number(fixDigits(m[3]!))],
      conf: 0.97,
    },
    {
      re: new RegExp(`(${cn}{4})年(${cnSmall})月(${cnSmall})日`, 'g'),
      parse: (m) => {
        const y = parseDigitString(m[1]!.replace(/O/g, '〇'));
        const mo = parseChineseNumber(m[2]!);
        const d = parseChineseNumber(m[3]!);
        return y === null || mo === null || d === null ? null : [y, mo, d];
      },
      conf: 0.95,
    },
    {
      re: /(?<![\d-])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d-])/g,
      parse: (m) => [Number(m[1]), Number(m[3]), Number(m[4])],
      conf: 0.85,
    },
  ];
  for (const { re, parse, conf } of patterns) {
    for (const m of mapped.text.matchAll(re)) {
      const ymd = parse(m);
      if (!ymd) continue;
      const [y, mo, d] = ymd;
      const valid = y >= 1949 && y <= 2100 && isRealDate(y, mo, d);
      const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      out.push(field(mapped, 'date', m.index, m.index + m[0].length, iso, valid ? conf : 0.2, valid));
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

const CREDIT_LABEL = /(?:统一社会信用代码|信用代码|社会信用代码|纳税人识别号)[:]?$/;
const ID_LABEL = /(?:身份证号码|身份证号|公民身份号码|身份证件号码|证件号码)[:]?$/;
// Letters OCR produces where the code alphabet has a digit (GB 32100 leaves out I, O, Z, S, V).
const CREDIT_OCR: Record<string, string> = { O: '0', I: '1', Z: '2', S: '5', V: 'U' };

/** Unified social credit codes and resident ids: both 18 characters, told apart by their checks. */
export function findCodes(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const re = /(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])/g;
  for (const m of mapped.text.matchAll(re)) {
    // OCR sometimes reads 1 and 0 as lower-case l and o; a credit code has no lower-case letters.
    const raw = m[0].replace(/l/g, '1').replace(/o/g, '0').toUpperCase();
    const before = mapped.text.slice(Math.max(0, m.index - 12), m.index);
    const from = m.index;
    const to = m.index + 18;
    const digitsOnly = /^\d{17}[\dX]$/.test(raw);
    if (digitsOnly && isValidResidentId(raw) && !CREDIT_LABEL.test(before)) {
      out.push(field(mapped, 'residentId', from, to, maskResidentId(raw), 0.97, true, null));
      continue;
    }
    if (isValidCreditCode(raw)) {
      out.push(field(mapped, 'creditCode', from, to, raw, CREDIT_LABEL.test(before) ? 0.99 : 0.95));
      continue;
    }
    const repaired = raw.replace(/[OIZSV]/g, (ch) => CREDIT_OCR[ch]!);
    if (repaired !== raw && isValidCreditCode(repaired)) {
      out.push(field(mapped, 'creditCode', from, to, repaired, 0.88));
      continue;
    }
    if (CREDIT_LABEL.test(before)) {
      out.push(field(mapped, 'creditCode', from, to, raw, 0.2, false));
    } else if (ID_LABEL.test(before) && /^\d{17}[\dX]$/.test(raw)) {
      out.push(field(mapped, 'residentId', from, to, maskResidentId(raw), 0.2, false, null));
    }
  }
  return out;
}

/** 2019-150100-47-01-012345 (dashes may be any dash, digits OCR-garbled). */
export function findProjectCodes(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const sep = '[-_~]';
  const re = new RegExp(
    `(?<![0-9A-Za-z-])(${D}{4})${sep}(${D}{6})${sep}(${D}{2})${sep}(${D}{2})${sep}(${D}{6})(?![0-9A-Za-z])`,
    'g',
  );
  for (const m of mapped.text.matchAll(re)) {
    const code = fixDigits([m[1], m[2], m[3], m[4], m[5]].join('-'));
    const valid = isValidProjectCode(code);
    const clean = /^[\d-]+$/.test(m[0]);
    out.push(
      field(
        mapped,
        'projectCode',
        m.index,
        m.index + m[0].length,
        code,
        valid ? (clean ? 0.98 : 0.9) : 0.2,
        valid,
      ),
    );
  }
  return out;
}

/** Permit and certificate numbers: labelled (许可证号：…) or in the 建字第…号 form. */
export function findPermitNumbers(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const labelled =
    /(?:许可证号|许可证编号|证书编号|证书号|证照编号|(?<!身份)证号|批准文号|备案号|登记编号)[:]?([A-Za-z0-9\p{Script=Han}〔〕[\]()-]{0,12}?[A-Za-z0-9-]{4,30}号?)/gu;
  for (const m of mapped.text.matchAll(labelled)) {
    const value = m[1]!;
    const from = m.index + m[0].length - value.length;
    out.push(field(mapped, 'permitNumber', from, from + value.length, value, 0.9));
  }
  const form = /(\p{Script=Han}{1,3}字)第(\d{6,24})号/gu;
  for (const m of mapped.text.matchAll(form)) {
    if (out.some((f) => f.raw?.includes(m[2]!))) continue;
    out.push(field(mapped, 'permitNumber', m.index, m.index + m[0].length, m[0], 0.85));
  }
  return out;
}

/** Mobile (1[3-9]…) and landline (0471-1234567) numbers. */
export function findPhones(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const re = /(?<![\d-])(?:\+?86-?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![\d-])/g;
  for (const m of mapped.text.matchAll(re)) {
    const before = mapped.text.slice(Math.max(0, m.index - 8), m.index);
    const labelled = /(?:电话|手机|联系方式|传真|电话号码)[:]?$/.test(before);
    out.push(
      field(
        mapped,
        'phone',
        m.index,
        m.index + m[0].length,
        m[1]!.replace(/-/g, m[1]!.startsWith('0') ? '-' : ''),
        labelled ? 0.97 : 0.8,
      ),
    );
  }
  return out;
}

/** 1,200.5万元, 120万元, 人民币壹佰贰拾万元整 → yuan, as a decimal string. */
export function findAmounts(mapped: MappedText): ExtractedField[] {
  const out: ExtractedField[] = [];
  const unitOf = (u: string) => (u.startsWith('亿') ? 100_000_000 : u.startsWith('万') ? 10_000 : 1);
  for (const m of mapped.text.matchAll(/(\d[\d,]*(?:\.\d+)?)(亿元|万元|元)/g)) {
    const n = Number(m[1]!.replace(/,/g, ''));
    if (!Number.isFinite(n)) continue;
    out.push(field(mapped, 'amount', m.index, m.index + m[0].length, formatYuan(n * unitOf(m[2]!)), 0.95));
  }
  const cnRe = /([零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]{2,})(亿元|万元|元|圆)整?/g;
  for (const m of mapped.text.matchAll(cnRe)) {
    const n = parseChineseNumber(m[1]!);
    if (n === null || n === 0) continue;
    out.push(field(mapped, 'amount', m.index, m.index + m[0].length, formatYuan(n * unitOf(m[2]!)), 0.85));
  }
  return out;
}

function formatYuan(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}
