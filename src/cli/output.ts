/** How the CLI speaks: results on stdout, messages and progress on stderr, errors with their code. */
import { isAppError, type Locale } from '../app/errors.ts';

export function printError(error: unknown, locale: Locale): void {
  if (isAppError(error)) {
    process.stderr.write(`错误 [${error.code}]: ${locale === 'en' ? error.en : error.zh}\n`);
    if (locale === 'zh') process.stderr.write(`error [${error.code}]: ${error.en}\n`);
  } else {
    process.stderr.write(`错误 [internal]: ${(error as Error)?.stack ?? String(error)}\n`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
