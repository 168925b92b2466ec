/** Chinese numerals as they appear in dates (二〇二四年三月五日) and amounts (壹佰贰拾万元). */

const DIGITS: Record<string, number> = {
  〇: 0,
  '○': 0,
  零: 0,
  O: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  两: 2,
  三: 3,
  叁: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };

export const CHINESE_DIGIT_CLASS = '〇○零一壹二贰两三叁四肆五伍六陆七柒八捌九玖';
export const CHINESE_NUMBER_CLASS = `${CHINESE_DIGIT_CLASS}十拾百佰千仟万亿`;

/** 二〇二四 → 2024: digit by digit, as years are written. */
export function parseDigitString(text: string): number | null {
  let out = 0;
  for (const ch of text) {
    const d = DIGITS[ch];
    if (d === undefined) {
      if (ch >= '0' && ch <= '9') out = out * 10 + Number(ch);
      else return null;
    } else out = out * 10 + d;
  }
  return text.length > 0 ? out : null;
}

/** 十五 → 15, 二十三 → 23, 壹佰贰拾万 → 1200000, 一千零五 → 1005; null when it is not a number. */
export function parseChineseNumber(text: string): number | null {
  if (text.length === 0) return null;
  if (![...text].some((ch) => ch in SMALL_UNITS || ch === '万' || ch === '亿')) return parseDigitString(text);
  // 一亿二千万: 亿 closes everything before it, 万 closes the section before it.
  let yi = 0;
  let wan = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!;
    } else if (ch in SMALL_UNITS) {
      section += (digit ?? 1) * SMALL_UNITS[ch]!;
      digit = null;
    } else if (ch === '万') {
      wan = (section + (digit ?? 0) || 1) * 10_000;
      section = 0;
      digit = null;
    } else if (ch === '亿') {
      yi = (yi + wan + section + (digit ?? 0) || 1) * 100_000_000;
      wan = 0;
      section = 0;
      digit = null;
    } else {
      return null;
    }
  }
  return yi + wan + section + (digit ?? 0);
}
