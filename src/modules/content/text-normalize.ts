/** Text clean-up shared by every extractor. */

// Han ideographs, kana, CJK punctuation and full-width forms: scripts written without spaces.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60\ufe30-\ufe4f`;
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])[ \\t\\u00a0]+(?=[${CJK}])`, 'gu');

/**
 * Removes the spaces a PDF layout may leave between Chinese characters (letter-spaced headings,
 * justified lines), which Chinese never has and which would break phrase search; trims line ends.
 */
export function joinCjkAware(text: string): string {
  return text.replace(SPACE_BETWEEN_CJK, '').replace(/[ \t]+\n/g, '\n');
}

/**
 * Newlines to \n, Unicode NFC, no control characters except tab and newline (a stray NUL from a
 * broken font mapping would otherwise reach the search index), no byte order marks.
 */
export function normalizeText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- vertical tab and form feed become line breaks
      .replace(/[\u000b\u000c\u2028\u2029]/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f\ufeff]/g, '')
      .normalize('NFC')
  );
}

/** Cuts text to at most `maxChars` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}
