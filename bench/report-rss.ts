/**
 * Loaded with `node --import bench/report-rss.ts …` by the benchmarks: when the process ends it
 * writes its peak resident set size (getrusage ru_maxrss) to the file named by DANGAN_BENCH_RSS_FILE,
 * so the benchmark measures the real command, not a copy of it.
 */
import { writeFileSync } from 'node:fs';

const target = process.env['DANGAN_BENCH_RSS_FILE'];
if (target) {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  });
}
