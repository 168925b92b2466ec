/**
 * Short queries of several words typed apart (邦兴能源 泰嘉学校 食品). Ranked over all their tokens,
 * long words weigh by their many bigrams: records holding the two long words (an enterprise and a
 * project) come before the one that also holds the short third word (食品) the user added to tell
 * it apart. The page of hits is therefore ordered by how many of the typed words each hit holds
 * (the word, or a synonym in its place, in its title or text), then as ranked.
 *
 * Within the page, not the whole window: the page's title and text are read anyway (for the
 * snippets), and looking for the words in them costs ~0.2 ms a query at a million records (two
 * common words, alternated in one process), where reading the indexed tokens of the best 20 rows
 * to reorder the window cost ~4 ms (bench:search, two terms p50 13.0 → 17.3 ms). A record beyond
 * the page that holds more of the words stays where it was ranked.
 */
import { fold } from './search.analysis.ts';
import type { ParsedQuery } from './search.query.ts';

/** Text beyond this many characters of a hit is not looked at for the words (bounds the work). */
const TEXT_LOOKED_AT = 20_000;

/**
 * Each typed word with the spellings that count for it: itself, and itself with a synonym of a
 * member it holds in that member's place (住建局 → 住房和城乡建设局), folded.
 */
export function wordSpellings(query: ParsedQuery): string[][] {
  const synonyms = Object.entries(query.synonymsOf ?? {});
  return (query.words ?? []).map((word) => {
    const spellings = [word];
    for (const [member, others] of synonyms)
      if (word.includes(member))
        for (const other of others) spellings.push(fold(word.replace(member, other)));
    return spellings;
  });
}

/** How many of the words a hit's title or text holds. */
export function wordsHeld(spellings: readonly (readonly string[])[], title: string, body: string): number {
  const text = `${fold(title)}\n${fold(body.slice(0, TEXT_LOOKED_AT))}`;
  return spellings.filter((word) => word.some((spelling) => text.includes(spelling))).length;
}

/**
 * The page in the order of the typed words its hits hold, then as ranked, each hit keeping its
 * group (`rank`: exact, partial and near identifier hits stay before text hits). The scores of the
 * page are handed out again in that order, so they still fall down the list and no page's hits
 * pass another's. The page as it was when the query has fewer than two words.
 */
export function orderByWordsHeld<T extends { id: string; score: number }>(
  page: readonly T[],
  query: ParsedQuery,
  text: (id: string) => { title: string; body: string } | undefined,
  group: (hit: T) => number,
): T[] {
  const spellings = wordSpellings(query);
  if (spellings.length < 2 || page.length < 2) return [...page];
  const held = new Map(
    page.map((hit) => {
      const found = text(hit.id);
      return [hit.id, found ? wordsHeld(spellings, found.title, found.body) : 0];
    }),
  );
  const ordered = page
    .map((hit, order) => ({ hit, order }))
    .sort(
      (a, b) => group(b.hit) - group(a.hit) || held.get(b.hit.id)! - held.get(a.hit.id)! || a.order - b.order,
    );
  const scores = page.map((hit) => hit.score).sort((a, b) => b - a);
  return ordered.map(({ hit }, i) => ({ ...hit, score: scores[i]! }));
}
