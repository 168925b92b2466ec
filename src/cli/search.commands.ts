/** search and reindex: the search box and the index rebuild at the command line. */
import type { Command } from 'commander';
import { action, withServices } from './context.ts';
import { printJson } from './output.ts';
import type { SearchResultView } from '../modules/search/search.usecases.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSearchCommands(program: Command): void {
  program
    .command('search <query>')
    .description('检索档案：档号、文号、关键词、拼音、"短语" / search records')
    .option('--json', '以 JSON 输出 / print JSON')
    .option('--limit <n>', '结果条数 / number of hits', '20')
    .option('--offset <n>', '跳过条数 / hits to skip', '0')
    .option('--sort <order>', 'relevance 或 date', 'relevance')
    .option(
      '--filter <k=v>',
      '筛选，可重复：fonds, category, organisation, year, level, retention, matterType, status',
      collect,
      [],
    )
    .action(
      action(
        async (
          query: string,
          options: { json?: boolean; limit: string; offset: string; sort: string; filter: string[] },
          command: Command,
        ) => {
          const { searchRecords } = await import('../modules/search/search.usecases.ts');
          const { badFilterValue } = await import('../modules/search/search.errors.ts');
          const filters: Record<string, string> = {};
          for (const item of options.filter) {
            const at = item.indexOf('=');
            if (at <= 0) throw badFilterValue({ filter: item, value: '' });
            filters[item.slice(0, at)] = item.slice(at + 1);
          }
          const result = await withServices(command, async (services) => {
            // Changes noted since the last sync are indexed first, so the CLI sees its own ingest.
            const { syncPending } = await import('../modules/search/search.usecases.ts');
            await syncPending(services.searchDeps);
            return searchRecords(services.searchDeps, services.local, {
              q: query,
              filters,
              limit: Number(options.limit) || 20,
              offset: Number(options.offset) || 0,
              sort: options.sort === 'date' ? 'date' : 'relevance',
            });
          });
          if (options.json) {
            printJson(result);
            return;
          }
          printHits(result);
        },
      ),
    );

  program
    .command('similar <idOrArchiveNo>')
    .description('相似档案（更多类似）/ more records like this one')
    .option('--json', '以 JSON 输出 / print JSON')
    .option('--limit <n>', '结果条数 / number of hits', '10')
    .action(
      action(async (idOrArchiveNo: string, options: { json?: boolean; limit: string }, command: Command) => {
        const { similarRecords, syncPending } = await import('../modules/search/search.usecases.ts');
        const result = await withServices(command, async (services) => {
          await syncPending(services.searchDeps);
          return similarRecords(
            services.searchDeps,
            services.local,
            idOrArchiveNo,
            Number(options.limit) || 10,
          );
        });
        if (options.json) printJson(result);
        else printHits(result);
      }),
    );

  program
    .command('related <idOrArchiveNo>')
    .description('关联档案与审批链上下游 / related records and the approval chain')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      action(async (idOrArchiveNo: string, options: { json?: boolean }, command: Command) => {
        const { relatedRecords } = await import('../modules/search/related.usecases.ts');
        const view = await withServices(command, (services) =>
          relatedRecords(
            { db: services.db, dataDir: services.config.dataDir },
            services.local,
            idOrArchiveNo,
          ),
        );
        if (options.json) {
          printJson(view);
          return;
        }
        const arrow = { upstream: '↑ 上游', downstream: '↓ 下游', 'same-step': '＝ 同环节' } as const;
        const lines = [`${view.record.title}  ${view.record.archiveNo ?? ''}`];
        if (view.chain)
          lines.push(
            `审批链 ${view.chain.name}：${view.chain.steps.join(' → ')}（本件：${view.record.step}）`,
          );
        for (const r of view.related) {
          lines.push(
            `  ${r.direction ? arrow[r.direction] : '· 关联'}  ${r.title}  ${r.archiveNo ?? '（未归档）'}  [${r.linkNames.join('、')}]${r.step ? `  ${r.step}` : ''}`,
          );
        }
        if (view.related.length === 0) lines.push('  无关联档案 / no related records');
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  program
    .command('reindex')
    .description(
      '由数据库重建检索索引，重建期间检索照常 / rebuild the search index from the database, searches answering meanwhile',
    )
    .action(
      action(async (_options: unknown, command: Command) => {
        const { reindex } = await import('../modules/search/search.usecases.ts');
        const { records, ms, replayed } = await withServices(command, (services) =>
          reindex(services.searchDeps, (done) => {
            if (done % 10_000 === 0) process.stderr.write(`已索引 / indexed ${done}\n`);
          }),
        );
        process.stdout.write(
          `已重建索引：${records} 条，用时 ${(ms / 1000).toFixed(1)} 秒；重建期间变更 ${replayed} 条已补入 / reindexed ${records} records in ${(ms / 1000).toFixed(1)} s; ${replayed} changed meanwhile indexed again\n`,
        );
      }),
    );
}

/** Hits for people: highlights as 【】, HTML entities decoded. */
function printHits(result: SearchResultView): void {
  const plain = (s: string) =>
    s
      .replace(/<mark>/g, '【')
      .replace(/<\/mark>/g, '】')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  const lines = [
    `共 ${result.totalExact ? '' : '超过 '}${result.total} 条 / ${result.total}${result.totalExact ? '' : '+'} hits`,
  ];
  for (const hit of result.hits) {
    lines.push(
      '',
      `${hit.exact ? '★ ' : ''}${hit.title}  ${hit.archiveNo ?? '（未归档）'}  [${hit.score}]`,
      `  ${plain(hit.snippet)}`,
      `  id: ${hit.id}`,
    );
    if (hit.related) {
      lines.push(`  审批链 / chain: ${hit.related.chain}（本件：${hit.related.step ?? '—'}）`);
      for (const r of hit.related.records)
        lines.push(
          `    ${r.direction === 'upstream' ? '↑' : r.direction === 'downstream' ? '↓' : '='} ${r.step ?? ''}  ${r.title}  ${r.archiveNo ?? r.id}`,
        );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
