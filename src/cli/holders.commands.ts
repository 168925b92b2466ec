/**
 * dangan keys ca | cert | holder: the system CA, holder certificates and holders at the command line
 * (docs/SECURITY-KEYS.md). Holders' own keys (create, unlock, share) are theirs, over the API / web.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';

import { holdersDeps } from '../modules/keys/holders.routes.ts';
import {
  grantHolder,
  importCert,
  initSystemCa,
  listCas,
  listCerts,
  listHolders,
  revokeCert,
  revokeHolder,
  trustCa,
} from '../modules/keys/holders.usecases.ts';
import { action, withServices } from './context.ts';
import { printJson } from './output.ts';

type Json = { json?: boolean };

function print(options: Json, value: unknown, lines: () => string[]): void {
  if (options.json) return printJson(value);
  process.stdout.write(`${lines().join('\n')}\n`);
}

export function registerHolderCommands(keys: Command): void {
  const ca = keys.command('ca').description('证书颁发机构 / certificate authorities');
  ca.command('init')
    .description('建立系统 CA（私钥经密钥库密封） / create the system CA')
    .option('--name <dn>', '名称，如 "CN=某市行政审批局 CA, O=某市行政审批局" / distinguished name')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: Json & { name?: string }, command: Command) =>
        withServices(command, async (services) => {
          const made = await initSystemCa(holdersDeps(services), services.local, options.name);
          print(options, made, () => [
            `系统 CA / system CA: ${made.subject}`,
            `SHA-256: ${made.fingerprint}`,
            made.pem,
          ]);
        }),
      ),
    );
  ca.command('list')
    .description('系统 CA 与受信任的外部 CA / the system CA and trusted CAs')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: Json, command: Command) =>
        withServices(command, async (services) => {
          const cas = await listCas(holdersDeps(services), services.local);
          print(options, cas, () => cas.map((c) => `${c.kind}\t${c.state}\t${c.fingerprint}\t${c.subject}`));
        }),
      ),
    );
  ca.command('trust <file>')
    .description('导入受信任的外部 CA 根证书（PEM） / trust an external CA certificate')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (file: string, options: Json, command: Command) =>
        withServices(command, async (services) => {
          const made = await trustCa(holdersDeps(services), services.local, await readFile(file, 'utf8'));
          print(options, made, () => [`已信任 trusted: ${made.subject} ${made.fingerprint}`]);
        }),
      ),
    );

  const cert = keys.command('cert').description('持有人证书 / holder certificates');
  cert
    .command('list')
    .option('--json', '输出 JSON / JSON output')
    .description('全部持有人证书 / every holder certificate')
    .action(
      action(async (options: Json, command: Command) =>
        withServices(command, async (services) => {
          const certs = await listCerts(holdersDeps(services), services.local);
          print(options, certs, () =>
            certs.map(
              (c) =>
                `${c.id}\t${c.username}\t${c.algorithm}\t${c.origin}\t${c.state}\t至 until ${c.notAfter}`,
            ),
          );
        }),
      ),
    );
  cert
    .command('import <username> <file>')
    .description('导入外部签发的持有人证书（校验证书链、有效期、密钥用途） / import a holder certificate')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (username: string, file: string, options: Json, command: Command) =>
        withServices(command, async (services) => {
          const made = await importCert(
            holdersDeps(services),
            services.local,
            username,
            await readFile(file, 'utf8'),
          );
          print(options, made, () => [`已导入 imported: ${made.id} ${made.algorithm} ${made.subject}`]);
        }),
      ),
    );
  cert
    .command('revoke <id>')
    .description('吊销证书并删除其全部封装 / revoke a certificate and delete its wraps')
    .option('--reason <text>', '原因 / reason')
    .option('--force', '即使有文件从此无人能解开 / even if content is left without a holder')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (id: string, options: Json & { reason?: string; force?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const done = await revokeCert(holdersDeps(services), services.local, id, options);
          print(options, done, () => [
            `已吊销 revoked: ${done.id}  删除封装 wraps removed: ${done.wrapsRemoved}  无人可解 orphaned: ${done.orphaned}`,
          ]);
        }),
      ),
    );

  const holder = keys.command('holder').description('授权持有人 / holders of the protected levels');
  holder
    .command('list')
    .option('--json', '输出 JSON / JSON output')
    .description('各密级的持有人 / holders by level')
    .action(
      action(async (options: Json, command: Command) =>
        withServices(command, async (services) => {
          const holders = await listHolders(holdersDeps(services), services.local);
          print(options, holders, () =>
            holders.map((h) => `${h.level}\t${h.username}\t有效证书 certs: ${h.activeCerts}\t${h.grantedBy}`),
          );
        }),
      ),
    );
  holder
    .command('grant <username> <level>')
    .description('授权持有人 / make a user a holder of a level')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (username: string, level: string, options: Json, command: Command) =>
        withServices(command, async (services) => {
          const made = await grantHolder(holdersDeps(services), services.local, username, level);
          print(options, made, () => [`${made.level}: ${made.username} 已授权 granted`]);
        }),
      ),
    );
  holder
    .command('revoke <username> <level>')
    .description('撤销持有人并删除其封装 / revoke a holder and delete their wraps')
    .option('--force', '即使有文件从此无人能解开 / even if content is left without a holder')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (username: string, level: string, options: Json & { force?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const done = await revokeHolder(holdersDeps(services), services.local, username, level, options);
          print(options, done, () => [
            `已撤销 revoked  删除封装 wraps removed: ${done.wrapsRemoved}  无人可解 orphaned: ${done.orphaned}`,
          ]);
        }),
      ),
    );
}
