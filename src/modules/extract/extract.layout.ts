/**
 * Fields read from the layout of an official document (GB/T 9704-2012): the issuer's header
 * ("××局文件"), the title ("关于……的批复"), the recipients line ending in a colon, the signature and
 * date at the end, printed secrecy (密级★期限) and retention marks, and addresses.
 */
import type { ExtractedField } from './extract.types.ts';

interface Line {
  text: string;
  start: number;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const part of text.split('\n')) {
    const lead = part.length - part.trimStart().length;
    const trimmed = part.trim();
    if (trimmed) lines.push({ text: trimmed, start: start + lead });
    start += part.length + 1;
  }
  return lines;
}

const compact = (s: string) => s.replace(/[\s\u3000]+/g, '');

const DOC_TYPES =
  '批复|通知|决定|意见|报告|请示|函|复函|公告|通告|规定|办法|方案|纪要|决议|命令|议案|通报|许可证|证明|证书|审查意见|登记表|申请表|申请书|备案表|告知书|决定书|许可决定书|核准书|批准书|意见书|报告书|合同|协议';
const TITLE_END = new RegExp(`(?:${DOC_TYPES})$`);
const ORG_END =
  /(?:局|委员会|委|政府|办公室|办公厅|厅|部|中心|公司|集团|院|所|站|队|处|科|会|社|行|馆|支队|大队|管委会|办事处|分局)$/;
const HEADER_SUFFIX = /(?:文件|函|通知|公告)$/;

function fieldOf(
  field: ExtractedField['field'],
  line: Line,
  value: string,
  confidence: number,
  offset = 0,
  length = line.text.length - offset,
): ExtractedField {
  return {
    field,
    value,
    start: line.start + offset,
    end: line.start + offset + length,
    confidence,
    valid: true,
  };
}

export function findLayoutFields(text: string, dates: ExtractedField[]): ExtractedField[] {
  const lines = splitLines(text.slice(0, 200_000));
  const out: ExtractedField[] = [];
  const head = lines.slice(0, 20);

  // Title: the first line starting with 关于, joined with the next when it wraps before its type word.
  let titleIndex = -1;
  for (let i = 0; i < head.length; i++) {
    const t = compact(head[i]!.text);
    if (!/^关于/.test(t) || /[。；]/.test(t)) continue;
    titleIndex = i;
    let value = t;
    let end = head[i]!.start + head[i]!.text.length;
    if (!TITLE_END.test(value) && head[i + 1] && !/[：:。]$/.test(head[i + 1]!.text)) {
      const next = compact(head[i + 1]!.text);
      if (TITLE_END.test(next) && value.length + next.length <= 100) {
        value += next;
        end = head[i + 1]!.start + head[i + 1]!.text.length;
      }
    }
    out.push({
      field: 'title',
      value,
      start: head[i]!.start,
      end,
      confidence: TITLE_END.test(value) ? 0.95 : 0.75,
      valid: true,
    });
    break;
  }
  if (titleIndex < 0) {
    // No 关于 line: a short heading-like line near the top ending with a document type.
    for (let i = 0; i < Math.min(head.length, 8); i++) {
      const t = compact(head[i]!.text);
      if (
        t.length >= 4 &&
        t.length <= 60 &&
        TITLE_END.test(t) &&
        !/[，。：:；]/.test(t) &&
        !HEADER_SUFFIX.test(t) === true
      ) {
        titleIndex = i;
        out.push(fieldOf('title', head[i]!, t, 0.7));
        break;
      }
    }
  }

  // Issuer: the red header "××局文件", else the signature line just above the closing date.
  for (const line of head.slice(0, 6)) {
    const t = compact(line.text);
    const m = /^(\p{Script=Han}{2,40}?)(?:文件|函)$/u.exec(t);
    if (m && ORG_END.test(m[1]!)) {
      out.push(fieldOf('issuer', line, m[1]!, 0.9, 0, line.text.length));
      break;
    }
  }
  const closing = lastStandaloneDate(lines, dates);
  if (closing) {
    out.push({ ...closing.date, field: 'documentDate', confidence: Math.min(0.97, closing.date.confidence) });
    const above = lines[closing.index - 1];
    if (above && !out.some((f) => f.field === 'issuer')) {
      const t = compact(above.text);
      if (t.length <= 40 && ORG_END.test(t) && /^\p{Script=Han}+$/u.test(t))
        out.push(fieldOf('issuer', above, t, 0.85));
    }
  } else {
    const firstValid = dates.find((d) => d.valid);
    if (firstValid) out.push({ ...firstValid, field: 'documentDate', confidence: 0.6 });
  }

  // Recipients: after the title, the first short line ending in a colon.
  if (titleIndex >= 0) {
    for (const line of lines.slice(titleIndex + 1, titleIndex + 4)) {
      const t = compact(line.text);
      if (/[：:]$/.test(t) && t.length <= 120 && !/[。；]/.test(t) && !/^(?:附件|抄送|主题词)/.test(t)) {
        out.push(fieldOf('recipients', line, t.slice(0, -1), 0.9, 0, line.text.length - 1));
        break;
      }
    }
  }

  // Printed marks: 秘密★1年 at the top, or labelled 密级： / 保管期限：.
  for (const line of lines.slice(0, 12)) {
    const t = compact(line.text);
    const secrecy =
      /^(?:密级[:：])?(绝密|机密|秘密|内部|公开)(?:★.{0,8})?$/.exec(t) ??
      /密级[:：](绝密|机密|秘密|内部|公开)/.exec(t);
    if (secrecy && !out.some((f) => f.field === 'secrecyMark'))
      out.push(fieldOf('secrecyMark', line, secrecy[1]!, 0.95));
    const retention = /保管期限[:：](永久|长期|短期|定期\d{1,3}年|\d{1,3}年)/.exec(t);
    if (retention && !out.some((f) => f.field === 'retentionMark'))
      out.push(fieldOf('retentionMark', line, retention[1]!, 0.95));
  }

  // Addresses: labelled, up to the end of the clause.
  const addressRe =
    /(?:地址|住所|建设地点|项目地址|项目地点|通讯地址|注册地址|经营场所|坐落)[:：]\s*([^\n，,；;。]{4,80})/gu;
  for (const m of text.matchAll(addressRe)) {
    const value = m[1]!.trim();
    const start = m.index + m[0].length - m[1]!.length;
    out.push({
      field: 'address',
      value: compact(value),
      start,
      end: start + m[1]!.length,
      confidence: 0.9,
      valid: true,
    });
  }
  return out;
}

/** The last date that stands alone on its line (the 成文日期 under the signature). */
function lastStandaloneDate(
  lines: Line[],
  dates: ExtractedField[],
): { date: ExtractedField; index: number } | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const end = line.start + line.text.length;
    const date = dates.find((d) => d.valid && d.start >= line.start && d.end <= end);
    if (!date) continue;
    const rest = compact(
      line.text.slice(0, date.start - line.start) + line.text.slice(date.end - line.start),
    );
    if (rest.length <= 2) return { date, index: i };
  }
  return null;
}
