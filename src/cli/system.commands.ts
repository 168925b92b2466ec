/** serve, migrate, config, verify, and the administration commands (users, organisations, fonds). */
import type { Command } from 'commander';
import { maskedConfig, settings } from '../app/config.ts';
import { createLogger } from '../app/logger.ts';
import { buildServices } from '../app/services.ts';
import { createApp } from '../app/server.ts';
import { migrate, migrationStatus } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { startUpkeep } from '../db/upkeep.ts';
import { isDeadOwner } from '../modules/storage/intents.ts';
import { ROLES, type Role } from '../modules/access/access.policy.ts';
import { findOrganisation } from '../modules/reference/reference.repository.ts';
import {
  createFonds,
  createOrganisation,
  listFonds,
  listOrganisations,
} from '../modules/reference/reference.usecases.ts';
import { verifyStorage } from '../modules/storage/verify.usecases.ts';
import { createUser, listUsers, resetPassword } from '../modules/users/users.usecases.ts';
import { action, announceFirstAdmin, configFrom, withServices } from './context.ts';
import { formatBytes, printJson } from './output.ts';
import { join } from 'node:path';

export function registerSystemCommands(program: Command): void {
  program
    .command('serve')
    .description('启动服务（REST API、网页、后台任务）/ start the server')
    .option('--host <host>', '监听地址 / listen address')
    .option('--port <port>', '监听端口 / port')
    .option('--workers <n>', '后台任务并发数 / job workers')
    .option(
      '--ledger-witness <target>',
      '检查点发布给外部见证：文件或 http(s) URL / publish checkpoints to a witness file or URL',
    )
    .action(
      action(async (_options, command: Command) => {
        const config = configFrom(command);
        const log = createLogger(config.log.level, 'stdout');
        const services = await buildServices(config, log);
        announceFirstAdmin(services);
        const app = await createApp(services);
        services.startJobWorkers();
        services.ledger.start();
        // PGlite has no autovacuum: dead rows, statistics and old transaction ids (db/upkeep.ts).
        const upkeep = startUpkeep(services.db, { log: log.child({ part: 'database' }) });
        // A rebuild whose process died (`dangan reindex` killed) stops logging changes for it; an
        // index made by an older analysis is rebuilt in the background (search.upgrade.ts).
        void (async () => {
          const { finishDeadRebuilds } = await import('../modules/search/search.repository.ts');
          const { upgradeOutdatedIndex } = await import('../modules/search/search.upgrade.ts');
          await finishDeadRebuilds(services.db, (owner) => isDeadOwner(owner, services.owner));
          // What a rebuild that died left (a table of gigabytes at 1M), when none runs now.
          const { rows } = await services.db.query<{ running: boolean }>(
            'SELECT EXISTS (SELECT 1 FROM search_rebuilds) AS running',
          );
          if (!rows[0]?.running) {
            const dropped = (await (await services.search.get()).dropAbandoned?.()) ?? 0;
            if (dropped > 0)
              log.info({ dropped }, '已清理未完成的检索索引重建 / dropped unfinished index rebuilds');
          }
          const upgrade = await upgradeOutdatedIndex(services.db, config.dataDir, services.searchRebuilder);
          if (upgrade === 'rebuilding')
            log.info('检索索引由旧版本建立，正在后台重建 / rebuilding the search index of an older analysis');
        })().catch((error: unknown) =>
          log.error({ err: error }, 'could not check the search index analysis'),
        );
        // The full-text indexes into memory, in the background: a word's first search otherwise reads
        // its posting list from disk (at 1M records ~7 s and 2 GB; lance.adapter.ts prewarm).
        void services.search
          .get()
          .then(async (index) => {
            const started = performance.now();
            await index.keepWarm?.();
            log.info(
              { ms: Math.round(performance.now() - started) },
              '检索索引已载入内存 / search index loaded into memory',
            );
          })
          .catch((error: unknown) =>
            log.error({ err: error }, 'could not load the search index into memory'),
          );
        let closing = false;
        const shutdown = async (signal: string) => {
          if (closing) return;
          closing = true;
          log.info({ signal }, 'shutting down');
          // Stop taking requests, let running ones finish (for at most the grace period: a client
          // that stalls mid-upload must not hold the shutdown), then finish or re-queue jobs.
          const grace = setTimeout(() => app.server.closeAllConnections(), config.server.shutdownGraceMs);
          await app.close();
          clearTimeout(grace);
          await upkeep.stop();
          await services.close();
          log.info('stopped');
          process.exit(0);
        };
        process.once('SIGINT', () => void shutdown('SIGINT'));
        process.once('SIGTERM', () => void shutdown('SIGTERM'));
        const address = await app.listen({ host: config.server.host, port: config.server.port });
        log.info({ address, data: config.dataDir, database: services.db.kind }, `dangan 已启动 ${address}`);
        await new Promise(() => undefined);
      }),
    );

  program
    .command('migrate')
    .description('执行数据库迁移 / apply database migrations')
    .option('--status', '只显示状态 / only show the status')
    .action(
      action(async (options: { status?: boolean }, command: Command) => {
        const config = configFrom(command);
        const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
        try {
          if (options.status) {
            printJson(await migrationStatus(db));
            return;
          }
          const { applied, current } = await migrate(db);
          process.stdout.write(
            applied.length
              ? `已执行迁移 / applied: ${applied.join(', ')}\n`
              : `数据库已是最新 / up to date (${current})\n`,
          );
        } finally {
          await db.close();
        }
      }),
    );

  program
    .command('config')
    .description('显示生效的配置（密钥已遮蔽）/ print the effective configuration, secrets masked')
    .option('--settings', '列出可用的环境变量与参数 / list environment variables and flags')
    .action(
      action(async (options: { settings?: boolean }, command: Command) => {
        if (options.settings) {
          for (const s of settings)
            process.stdout.write(
              `${s.path.padEnd(24)} ${s.env.padEnd(26)} ${s.flag ? `--${s.flag}` : ''.padEnd(0)}  ${s.doc}\n`,
            );
          return;
        }
        process.stdout.write(`${JSON.stringify(maskedConfig(configFrom(command)), null, 2)}\n`);
      }),
    );

  program
    .command('verify')
    .description('检查所有副本的完整性（四性检测：完整性）/ scrub every replica')
    .option(
      '--repair',
      '从完好副本修复损坏或缺失的副本，并删除孤立文件 / repair from good copies, remove orphans',
    )
    .option('--json', '输出 JSON 报告 / JSON report')
    .action(
      action(async (options: { repair?: boolean; json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const report = await verifyStorage(services, services.local, {
            repair: options.repair ?? false,
            onProgress: options.json
              ? undefined
              : (done, total) => process.stderr.write(`\r检查中 ${done}/${total}`),
          });
          if (options.json) printJson(report);
          else {
            process.stderr.write('\n');
            process.stdout.write(
              [
                `文件 blobs: ${report.blobs}，副本数 replicas: ${report.replicas}，读取 ${formatBytes(report.bytes)}，${report.mbPerSecond.toFixed(1)} MB/s`,
                `完好 ok: ${report.ok}  缺失 missing: ${report.missing}  损坏 damaged: ${report.damaged}  已修复 repaired: ${report.repaired}  无法恢复 unrecoverable: ${report.unrecoverable}`,
                `孤立文件 orphans: ${report.orphans}（已删除 removed: ${report.orphansRemoved}）`,
                ...report.problems
                  .slice(0, 50)
                  .map((p) => `  ${p.state}\t${p.sha256}\t${p.replica}${p.repaired ? '\t已修复' : ''}`),
                '',
              ].join('\n'),
            );
          }
          const unresolved = report.problems.filter((p) => !p.repaired).length;
          return unresolved > 0 ? 3 : 0;
        }),
      ),
    );

  const user = program.command('user').description('用户管理 / users');
  user
    .command('add <username>')
    .description('新建用户并显示一次性密码 / create a user and print a one-time password')
    .requiredOption('--roles <roles>', `角色，逗号分隔：${ROLES.join(', ')}`)
    .option('--org <code>', '所属机构代码或 id（默认根机构）')
    .option('--clearance <level>', '可查阅的最高密级（默认 public）', 'public')
    .option('--name <displayName>', '显示名')
    .action(
      action(
        async (
          username: string,
          options: { roles: string; org?: string; clearance: string; name?: string },
          command: Command,
        ) =>
          withServices(command, async (services) => {
            const org = options.org
              ? await findOrganisation(services.db, options.org)
              : (await listOrganisations(services.db, services.local))[0]!;
            const roles = options.roles.split(',').map((r) => r.trim()) as Role[];
            const { user: created, oneTimePassword } = await createUser(services.db, services.local, {
              username,
              displayName: options.name,
              organisationId: org.id,
              roles,
              clearance: options.clearance,
            });
            process.stdout.write(
              `已创建用户 ${created.username}（${roles.join(', ')}），一次性密码：${oneTimePassword}\n`,
            );
          }),
      ),
    );
  user
    .command('reset-password <username>')
    .description('重置密码并注销其全部会话 / reset a password')
    .action(
      action(async (username: string, _o, command: Command) =>
        withServices(command, async (services) => {
          const password = await resetPassword(services.db, services.local, username);
          process.stdout.write(`用户 ${username} 的新一次性密码：${password}\n`);
        }),
      ),
    );
  user
    .command('list')
    .option('--json')
    .action(
      action(async (options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const users = await listUsers(services.db, services.local);
          if (options.json) printJson(users);
          else
            for (const u of users)
              process.stdout.write(
                `${u.username}\t${u.displayName}\t${u.roles.join(',')}\t${u.clearance}${u.disabled ? '\t(停用)' : ''}\n`,
              );
        }),
      ),
    );

  const org = program.command('org').description('机构管理 / organisations');
  org
    .command('add <code> <name>')
    .requiredOption('--level <level>', 'city | district | street | department')
    .option('--parent <codeOrId>', '上级机构')
    .action(
      action(
        async (
          code: string,
          name: string,
          options: { level: 'city' | 'district' | 'street' | 'department'; parent?: string },
          command: Command,
        ) =>
          withServices(command, async (services) => {
            const created = await createOrganisation(services.db, services.local, {
              code,
              name,
              level: options.level,
              parent: options.parent,
            });
            process.stdout.write(`已创建机构 ${created.code} ${created.name}（${created.id}）\n`);
          }),
      ),
    );
  org.command('list').action(
    action(async (_o, command: Command) =>
      withServices(command, async (services) => {
        for (const o of await listOrganisations(services.db, services.local)) {
          const depth = o.path.split('/').filter(Boolean).length - 1;
          process.stdout.write(`${'  '.repeat(depth)}${o.code}\t${o.name}\t${o.level}\t${o.id}\n`);
        }
      }),
    ),
  );

  const fonds = program.command('fonds').description('全宗管理 / fonds');
  fonds
    .command('add <code> <name>')
    .requiredOption('--org <codeOrId>', '立档单位')
    .option('--format <template>', '档号格式，默认 {fonds}-{category}·{year}-{retention}-{org}-{item:4}')
    .action(
      action(
        async (code: string, name: string, options: { org: string; format?: string }, command: Command) =>
          withServices(command, async (services) => {
            const created = await createFonds(services.db, services.local, {
              code,
              name,
              organisation: options.org,
              archiveNoFormat: options.format,
            });
            process.stdout.write(
              `已创建全宗 ${created.code} ${created.name}，档号格式 ${created.archive_no_format}\n`,
            );
          }),
      ),
    );
  fonds.command('list').action(
    action(async (_o, command: Command) =>
      withServices(command, async (services) => {
        for (const f of await listFonds(services.db, services.local))
          process.stdout.write(`${f.code}\t${f.name}\t${f.archive_no_format}\n`);
      }),
    ),
  );
}
