/**
 * Archive numbers (档号) per DA/T 22-2015 §5: 全宗号-门类代码·年度-保管期限代码-机构（问题）代码-件号,
 * e.g. A012-WS·2024-Y-BGS-0001. The layout is configurable per fonds as a template whose placeholders
 * are {fonds} {category} {year} {retention} {org} and {item} or {item:N} (zero-padded to N digits).
 * Every placeholder must appear once: the item counter runs per (fonds, category, year, retention,
 * organisation), so a template that left one out could give two records the same number.
 */
export const DEFAULT_ARCHIVE_NO_FORMAT = '{fonds}-{category}·{year}-{retention}-{org}-{item:4}';

const REQUIRED = ['fonds', 'category', 'year', 'retention', 'org', 'item'] as const;
type Part = (typeof REQUIRED)[number];

export interface ArchiveNoParts {
  fonds: string;
  category: string;
  year: number;
  retention: string;
  org: string;
  item: number;
}

/** Returns why a template is unusable, or null when it is fine. */
export function archiveNoFormatProblem(template: string): string | null {
  if (template.length > 200) return '过长 / too long';
  const seen = new Map<Part, number>();
  const stripped = template.replace(/\{([a-z]+)(?::(\d+))?\}/g, (_whole, name: string, width?: string) => {
    if (!(REQUIRED as readonly string[]).includes(name)) return '\u0000';
    if (width !== undefined && (name !== 'item' || Number(width) < 1 || Number(width) > 9)) return '\u0000';
    seen.set(name as Part, (seen.get(name as Part) ?? 0) + 1);
    return '';
  });
  if (stripped.includes('\u0000')) return '含未知占位符 / unknown placeholder';
  if (/[{}]/.test(stripped)) return '花括号不成对 / unbalanced braces';
  if (/[/\\\s]/.test(stripped)) return '不能含斜杠或空白 / no slashes or spaces';
  for (const part of REQUIRED) {
    const count = seen.get(part) ?? 0;
    if (count !== 1) return `占位符 {${part}} 必须恰好出现一次 / {${part}} must appear exactly once`;
  }
  // Adjacent placeholders without a separator could make two different numbers print the same.
  if (/\}\{/.test(template)) return '占位符之间须有分隔符 / placeholders need a separator';
  return null;
}

export function formatArchiveNo(template: string, parts: ArchiveNoParts): string {
  return template.replace(/\{([a-z]+)(?::(\d+))?\}/g, (_whole, name: string, width?: string) => {
    const value = String(parts[name as Part]);
    return width === undefined ? value : value.padStart(Number(width), '0');
  });
}
