/**
 * Check characters of Chinese identifiers: the unified social credit code (GB 32100-2015), the
 * resident identity number (GB 11643-1999, ISO 7064 MOD 11-2) and the national investment project
 * code (全国投资项目在线审批监管平台: 年份-地区码-行业码-项目类型-序号). Pure functions.
 */

// GB 32100-2015 §4: the code alphabet leaves out I, O, Z, S and V.
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character (18th) of a unified social credit code, from its first 17 characters. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_ALPHABET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * CREDIT_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_ALPHABET[check]!;
}

/** True for an 18-character unified social credit code whose check character is right. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check digit of an 18-digit resident identity number, from its first 17 digits. */
export function residentIdCheckDigit(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** True for an 18-character resident identity number with a real birth date and the right check digit. */
export function isValidResidentId(id: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || year > 2100 || !isRealDate(year, month, day)) return false;
  return residentIdCheckDigit(id.slice(0, 17)) === id[17];
}

/** Shows the region (6) and the last 4 characters only: 150102********123X. */
export function maskResidentId(id: string): string {
  return `${id.slice(0, 6)}${'*'.repeat(Math.max(0, id.length - 10))}${id.slice(-4)}`;
}

/** 2019-150100-47-01-012345: a plausible year, a 6-digit region code, industry and type codes. */
export function isValidProjectCode(code: string): boolean {
  const m = /^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$/.exec(code);
  if (!m) return false;
  const year = Number(m[1]);
  return year >= 2000 && year <= 2100 && m[2]![0] !== '0';
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}
