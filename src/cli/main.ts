#!/usr/bin/env node
/** dangan — the command line. Every command accepts the global options (--data, --config, …). */
import { Command } from 'commander';
import { registerArchiveCommands } from './archive.commands.ts';
import { registerClassifyCommands } from './classify.commands.ts';
import { registerIngestCommand } from './ingest.command.ts';
import { registerKeysCommands } from './keys.commands.ts';
import { registerOcrCommand } from './ocr.command.ts';
import { registerLedgerCommands } from './ledger.commands.ts';
import { registerSearchCommands } from './search.commands.ts';
import { registerSecurityCommands } from './security.commands.ts';
import { registerSystemCommands } from './system.commands.ts';

const program = new Command('dangan')
  .description('dangan 电子档案管理系统 — electronic archive management system')
  .option('--data <dir>', '数据文件夹 / data folder (default ./data)')
  .option('--config <file>', '配置文件 (JSON) / configuration file')
  .option('--volumes <dirs>', '存储卷，逗号分隔 / storage volumes, comma-separated')
  .option('--database-url <url>', 'PostgreSQL 地址 / PostgreSQL server URL')
  .option('--log-level <level>', '日志级别 / log level')
  .option('--locale <locale>', 'zh 或 en')
  .showHelpAfterError();

registerSystemCommands(program);
registerIngestCommand(program);
registerArchiveCommands(program);
registerOcrCommand(program);
registerLedgerCommands(program);
registerSearchCommands(program);
registerSecurityCommands(program);
registerClassifyCommands(program);
registerKeysCommands(program);

await program.parseAsync(process.argv);
