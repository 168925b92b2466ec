/** Builds what every command needs from the global options, and closes it afterwards. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../app/config.ts';
import { createLogger } from '../app/logger.ts';
import { buildServices, type Services } from '../app/services.ts';
import { printError } from './output.ts';

export function configFrom(command: Command): Config {
  return loadConfig({ flags: command.optsWithGlobals() });
}

/** Runs a command body with services; prints the first administrator's one-time password if this start created it. */
export async function withServices<T>(
  command: Command,
  body: (services: Services) => Promise<T>,
  logDestination: 'stdout' | 'stderr' = 'stderr',
): Promise<T> {
  const config = configFrom(command);
  const log = createLogger(
    logDestination === 'stderr' && config.log.level === 'info' ? 'warn' : config.log.level,
    logDestination,
  );
  const services = await buildServices(config, log);
  announceFirstAdmin(services);
  try {
    return await body(services);
  } finally {
    await services.close();
  }
}

export function announceFirstAdmin(services: Services): void {
  const first = services.firstStart.firstAdmin;
  if (!first) return;
  process.stderr.write(
    [
      '',
      '================================================================',
      ' 首次启动：已创建系统管理员账户 / first start: administrator created',
      `   用户名 / user:          ${first.username}`,
      `   一次性密码 / password:  ${first.oneTimePassword}`,
      ' 请立即登录并修改密码；此密码不会再次显示。',
      ' Sign in and change it now; it will not be shown again.',
      '================================================================',
      '',
    ].join('\n'),
  );
}

/** Wraps an action so that errors print their code and message and set a non-zero exit code. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void | number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      printError(error, process.env.DANGAN_LOCALE === 'en' ? 'en' : 'zh');
      process.exitCode = 1;
    }
  };
}
