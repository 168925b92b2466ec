/**
 * Access administration and the audit trail at the command line: roles, clearances, organisation
 * shares, sessions (`dangan user …`, `dangan share …`) and `dangan audit list|export`. The local
 * operator acts with every role; what it does is recorded like any other change.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  grantShare,
  listSessions,
  listShares,
  revokeSessions,
  revokeShare,
  setClearance,
  setDisabled,
  setOrganisation,
  setRoles,
} from '../modules/access/access.usecases.ts';
import { exportAudit, searchAudit, type AuditQueryInput } from '../modules/audit/audit.usecases.ts';
import { resetTotp } from '../modules/users/users.usecases.ts';
import { action, withServices } from './context.ts';
import { printJson } from './output.ts';

interface AuditOptions extends AuditQueryInput {
  json?: boolean;
  limit?: string;
  cursor?: string;
  format?: string;
  out?: string;
}

function auditFilters(command: Command): Command {
  return command
    .option('--actor <actor>', '操作人，如 user:zhangsan（结尾 * 为前缀）')
    .option('--action <action>', '操作，如 record.view 或 record.*')
    .option('--outcome <outcome>', 'ok | denied | failed')
    .option('--record <id>', '档案 id')
    .option('--ip <ip>', '来源地址')
    .option('--from <time>', '起始时间（含），ISO 8601')
    .option('--to <time>', '截止时间（不含），ISO 8601')
    .option('--q <text>', '在详情中查找');
}

function pickFilters(o: AuditOptions): AuditQueryInput {
  return {
    actor: o.actor,
    action: o.action,
    outcome: o.outcome,
    record: o.record,
    ip: o.ip,
    from: o.from,
    to: o.to,
    q: o.q,
  };
}

export function registerSecurityCommands(program: Command): void {
  const user = program.commands.find((c) => c.name() === 'user') ?? program.command('user');
  user
    .command('roles <username> <roles>')
    .description('设置角色（逗号分隔；三员角色不得兼任）/ set roles')
    .action(
      action(async (username: string, roles: string, _o, command: Command) =>
        withServices(command, async (services) => {
          const u = await setRoles(
            services.db,
            services.local,
            username,
            roles.split(',').map((r) => r.trim()),
          );
          process.stdout.write(`${u.username}：角色 ${u.roles.join(', ')}\n`);
        }),
      ),
    );
  user
    .command('clearance <username> <level>')
    .description('设置可查阅的最高密级 / set clearance')
    .action(
      action(async (username: string, level: string, _o, command: Command) =>
        withServices(command, async (services) => {
          const u = await setClearance(services.db, services.local, username, level);
          process.stdout.write(`${u.username}：密级 ${u.clearance}\n`);
        }),
      ),
    );
  user
    .command('org <username> <organisation>')
    .description('调整所属机构 / move to another organisation')
    .action(
      action(async (username: string, org: string, _o, command: Command) =>
        withServices(command, async (services) => {
          const u = await setOrganisation(services.db, services.local, username, org);
          process.stdout.write(`${u.username}：机构 ${u.organisationId}\n`);
        }),
      ),
    );
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(
        disabled ? '停用账户并注销其全部会话 / disable an account' : '启用账户 / enable an account',
      )
      .action(
        action(async (username: string, _o, command: Command) =>
          withServices(command, async (services) => {
            await setDisabled(services.db, services.local, username, disabled);
            process.stdout.write(`${username}：${disabled ? '已停用 / disabled' : '已启用 / enabled'}\n`);
          }),
        ),
      );
  }
  user
    .command('reset-totp <username>')
    .description('移除账户的动态口令（验证器丢失时）/ remove a lost second factor')
    .action(
      action(async (username: string, _o, command: Command) =>
        withServices(command, async (services) => {
          await resetTotp(services.db, services.local, username);
          process.stdout.write(`${username}：动态口令已移除 / second factor removed\n`);
        }),
      ),
    );
  user
    .command('sessions <username>')
    .description('在用的会话和令牌 / sessions and tokens in force')
    .option('--json')
    .action(
      action(async (username: string, options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const items = await listSessions(services.db, services.local, username);
          if (options.json) printJson(items);
          else
            for (const s of items)
              process.stdout.write(
                `${s.id}\t${s.kind}\t${s.ip ?? '-'}\t${s.createdAt}\t${s.expiresAt ?? '-'}\n`,
              );
        }),
      ),
    );
  user
    .command('revoke-sessions <username> [id]')
    .description('注销会话或令牌（不给 id 时全部）/ revoke sessions')
    .action(
      action(async (username: string, id: string | undefined, _o, command: Command) =>
        withServices(command, async (services) => {
          const n = await revokeSessions(services.db, services.local, username, id ?? 'all');
          process.stdout.write(`已注销 ${n} 个 / revoked ${n}\n`);
        }),
      ),
    );

  const share = program.command('share').description('跨机构授权 / organisation shares');
  share
    .command('grant <username> <organisation>')
    .description('将机构（含下级）的档案授权给用户查阅 / share an organisation subtree')
    .option('--days <n>', '有效天数')
    .option('--reason <text>', '授权理由')
    .action(
      action(
        async (
          username: string,
          organisation: string,
          options: { days?: string; reason?: string },
          command: Command,
        ) =>
          withServices(command, async (services) => {
            const s = await grantShare(services.db, services.local, {
              username,
              organisation,
              days: options.days ? Number(options.days) : undefined,
              reason: options.reason,
            });
            process.stdout.write(`${s.id}\t${s.username}\t${s.organisationCode}\t${s.expiresAt ?? '长期'}\n`);
          }),
      ),
    );
  share
    .command('revoke <id>')
    .description('撤销授权 / revoke a share')
    .action(
      action(async (id: string, _o, command: Command) =>
        withServices(command, async (services) => {
          await revokeShare(services.db, services.local, id);
          process.stdout.write(`已撤销 / revoked ${id}\n`);
        }),
      ),
    );
  share
    .command('list')
    .option('--user <username>')
    .option('--history', '包括已撤销和过期的')
    .option('--json')
    .action(
      action(async (options: { user?: string; history?: boolean; json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const items = await listShares(services.db, services.local, {
            username: options.user,
            history: options.history,
          });
          if (options.json) printJson(items);
          else
            for (const s of items)
              process.stdout.write(
                `${s.id}\t${s.username}\t${s.organisationCode}\t${s.expiresAt ?? '长期'}${s.revokedAt ? '\t(已撤销)' : ''}\n`,
              );
        }),
      ),
    );

  const audit = program.command('audit').description('审计日志 / audit trail');
  auditFilters(audit.command('list'))
    .description('查询审计日志（新的在前）/ search the audit trail')
    .option('--limit <n>', '条数', '50')
    .option('--cursor <id>', '上一页的 nextCursor')
    .option('--json', '每行一个 JSON')
    .action(
      action(async (options: AuditOptions, command: Command) =>
        withServices(command, async (services) => {
          const { items, nextCursor } = await searchAudit(services.db, services.local, pickFilters(options), {
            limit: Number(options.limit ?? 50),
            cursor: options.cursor,
          });
          for (const e of items) {
            if (options.json) printJson(e);
            else
              process.stdout.write(
                `${e.id}\t${e.at}\t${e.actor}\t${e.action}\t${e.outcome}\t${e.ip ?? '-'}\t${e.recordId ?? '-'}\t${JSON.stringify(e.details)}\n`,
              );
          }
          if (nextCursor && !options.json)
            process.stderr.write(`下一页 / next page: --cursor ${nextCursor}\n`);
        }),
      ),
    );
  auditFilters(audit.command('export'))
    .description('导出审计日志（旧的在前）为 CSV 或 JSON Lines / export the audit trail')
    .option('--format <format>', 'csv | jsonl', 'csv')
    .option('--out <file>', '输出文件（默认标准输出）')
    .action(
      action(async (options: AuditOptions, command: Command) =>
        withServices(command, async (services) => {
          const format = options.format === 'jsonl' ? 'jsonl' : 'csv';
          const source = Readable.from(
            exportAudit(services.db, services.local, pickFilters(options), format),
          );
          if (options.out) await pipeline(source, createWriteStream(options.out, { flags: 'wx' }));
          else for await (const chunk of source) process.stdout.write(chunk as string);
        }),
      ),
    );
}
