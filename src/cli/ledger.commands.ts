/** ledger verify | proof | checkpoint: the tamper-evident ledger at the command line. */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { action, withServices } from './context.ts';
import { printJson } from './output.ts';

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('防篡改账本 / tamper-evident ledger');

  ledger
    .command('verify')
    .description(
      '重算整个账本，核对每个事件、每个检查点的签名与一致性，并指出被改动之处 / recheck the whole ledger and name what changed',
    )
    .option('--json', '输出 JSON 报告 / JSON report')
    .option('--no-blobs', '不重读文件内容（只核对著录项与文件清单）/ do not re-read and re-hash stored files')
    .option(
      '--trust-key <file...>',
      '另外信任的签名公钥（PEM）/ further trusted public keys (PEM); the local signing key is always trusted',
    )
    .action(
      action(async (options: { json?: boolean; blobs: boolean; trustKey?: string[] }, command: Command) =>
        withServices(command, async (services) => {
          // Loaded on use: the other commands need none of the verification code.
          const { verifyLedger } = await import('../modules/ledger/ledger.verify.ts');
          const { keyIdOf } = await import('../modules/ledger/ledger.keys.ts');
          // Append what the server has not yet appended (commands write events too), but sign
          // nothing: verification must not bless the state it is checking.
          await services.ledger.sequence();
          const trustedKeys = new Map([[services.ledger.key.keyId, services.ledger.key.publicKeyPem]]);
          for (const file of options.trustKey ?? []) {
            const pem = readFileSync(file, 'utf8');
            trustedKeys.set(keyIdOf(pem), pem);
          }
          const report = await verifyLedger(services.db, {
            trustedKeys,
            blobs: options.blobs ? services.blobs : undefined,
            onProgress: options.json
              ? undefined
              : (done, total) => process.stderr.write(`\r核对中 checking ${done}/${total}`),
          });
          if (options.json) printJson(report);
          else {
            process.stderr.write('\n');
            const lines = [
              `账本条目 entries: ${report.entriesChecked}/${report.treeSize}  事件 events: ${report.eventsChecked}  检查点 checkpoints: ${report.checkpointsVerified}/${report.checkpoints}  档案 records: ${report.recordsChecked}  文件 blobs: ${report.blobsChecked}  (${report.hashAlgorithm}, ${report.durationMs} ms)`,
              `根哈希 root: ${report.rootHash}`,
              report.ok
                ? '账本完好 / ledger intact'
                : `发现 ${report.problems.length} 处问题 / problems found:`,
              ...report.problems.map((p) => `  [${p.code}] ${p.zh}\n      ${p.en}`),
              '',
            ];
            process.stdout.write(lines.join('\n'));
          }
          return report.ok ? 0 : 4;
        }),
      ),
    );

  ledger
    .command('proof <idOrArchiveNo>')
    .description(
      '写出档案的证明包（事件、包含证明、签名检查点、公钥），可用 tools/ledger-verify.mjs 离线验证 / write a proof bundle',
    )
    .requiredOption('--out <file>', '输出文件 / output file')
    .action(
      action(async (id: string, options: { out: string }, command: Command) =>
        withServices(command, async (services) => {
          const { recordProofBundle } = await import('../modules/ledger/ledger.proof.ts');
          const bundle = await recordProofBundle(services, services.local, id);
          const temp = `${options.out}.partial`;
          await writeFile(temp, `${JSON.stringify(bundle, null, 2)}\n`);
          await rename(temp, options.out);
          process.stdout.write(
            `已写出证明包 ${options.out}：${bundle.entries.length} 个事件，检查点 ${bundle.checkpoint.treeSize}，公钥 ${bundle.checkpoint.keyId}\n`,
          );
        }),
      ),
    );

  ledger
    .command('baseline')
    .description(
      '为尚无记账状态的档案（状态记账之前存入的）记一次当前状态，此后 verify 不再报 record_unlogged / log the current state of records stored before state logging, once',
    )
    .option('--json', '输出 JSON / JSON output')
    .action(
      action(async (options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          const { baselineUnloggedRecords } = await import('../modules/ledger/ledger.baseline.ts');
          const result = await baselineUnloggedRecords(services.db, services.local);
          await services.ledger.sync();
          if (options.json) printJson(result);
          else
            process.stdout.write(
              result.logged === 0
                ? '没有需要记账的档案 / no record without a logged state\n'
                : `已为 ${result.logged} 件档案记入当前状态（record.baseline）/ logged the current state of ${result.logged} records\n`,
            );
        }),
      ),
    );

  ledger
    .command('checkpoint')
    .description('记入待记账事件并显示最新签名检查点 / append pending events and show the latest checkpoint')
    .option('--json')
    .action(
      action(async (options: { json?: boolean }, command: Command) =>
        withServices(command, async (services) => {
          await services.ledger.sync();
          const checkpoint = await services.ledger.latestCheckpoint();
          if (options.json) printJson(checkpoint);
          else
            process.stdout.write(
              `${checkpoint.body}signature ${checkpoint.signature}\nkey ${checkpoint.keyId}\n`,
            );
        }),
      ),
    );
}
