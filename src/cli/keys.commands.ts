/** keys status | rotate | shred: encryption keys at the command line (docs/SECURITY-KEYS.md). */
import type { Command } from 'commander';
import { keysDeps } from '../modules/keys/keys.routes.ts';
import { keyStatus, rotateKeys, shredRecord } from '../modules/keys/keys.usecases.ts';
import { action, withServices } from './context.ts';
import { registerHolderCommands } from './holders.commands.ts';
import { printJson } from './output.ts';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('静态加密密钥管理 / encryption keys');
  registerHolderCommands(keys);

  keys
    .command('status')
    .description('各密级的密钥加密密钥版本与数据密钥数 / key versions and data keys by secrecy level')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const status = await keyStatus(keysDeps(services), services.local);
          if (options.json) return printJson(status);
          const lines = [
            `新文件加密 sealing: ${status.sealing ? '开 on' : '关 off'}  算法 cipher: ${status.cipher}  密钥库 store: ${status.store}`,
            `已加密 sealed: ${status.blobs.sealed}  已销毁 destroyed: ${status.blobs.destroyed}  未加密（旧数据）clear: ${status.blobs.clear}`,
            ...status.levels.map(
              (l) =>
                `  ${l.level} v${l.version} ${l.state}  ${l.store}:${l.keyRef}  数据密钥 data keys: ${l.dataKeys}`,
            ),
            ...status.holderLevels.map(
              (h) =>
                `  持有人保护 holders ${h.level}: 持有人 ${h.holders}  受保护文件 protected ${h.protectedBlobs}  缺封装 missing wraps ${h.blobsMissingWraps}${h.holders === 0 ? '  ⚠ 无持有人：新文件仅受 KEK 保护 / no holder: KEK only' : ''}`,
            ),
            '',
          ];
          process.stdout.write(lines.join('\n'));
        }),
      ),
    );

  keys
    .command('rotate')
    .description('轮换密钥加密密钥并重新封装数据密钥，不重新加密文件 / rotate KEKs and rewrap data keys')
    .option('--level <code>', '只轮换此密级 / only this secrecy level')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: { level?: string; json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const results = await rotateKeys(keysDeps(services), services.local, options.level);
          if (options.json) return printJson(results);
          for (const r of results) {
            process.stdout.write(
              `${r.level}: v${r.fromVersion} → v${r.toVersion}，重新封装 rewrapped ${r.rewrapped}，销毁旧密钥 destroyed ${r.destroyedKeys.length}\n`,
            );
          }
        }),
      ),
    );

  keys
    .command('shred <idOrArchiveNo>')
    .description(
      '密码学销毁：销毁档案内容的数据密钥，内容永久不可恢复 / crypto-shred a record (irreversible)',
    )
    .requiredOption('--yes', '确认不可恢复 / confirm: this cannot be undone')
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (id: string, options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const result = await shredRecord(keysDeps(services), services.local, id);
          if (options.json) return printJson(result);
          process.stdout.write(
            `已销毁 destroyed: ${result.destroyed.length}  共用保留 kept (shared): ${result.shared.length}  删除未加密 removed (clear): ${result.removedClear.length}\n`,
          );
        }),
      ),
    );

  keys
    .command('encrypt-legacy')
    .description(
      '把加密启用之前以明文存放的文件就地加密（可中断重跑）/ seal the blobs stored in the clear before encryption, in place and crash-safe',
    )
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const { encryptLegacyBlobs } = await import('../modules/storage/encrypt-legacy.ts');
          const result = await encryptLegacyBlobs(
            { db: services.db, blobs: services.blobs, owner: services.owner, keyring: services.keyring },
            services.local,
          );
          if (options.json) printJson(result);
          else
            process.stdout.write(
              `已加密 sealed: ${result.blobs} 个明文文件（${result.sealedCopies} 份密文，${result.records} 件档案）${result.damaged.length > 0 ? `；损坏未处理 damaged, left as is: ${result.damaged.join(', ')}` : ''}\n`,
            );
          return result.damaged.length > 0 ? 4 : 0;
        }),
      ),
    );
}
