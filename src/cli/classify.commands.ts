/** classify train | predict | eval: the text classifier at the command line (JSONL in, JSON or a table out). */
import type { Command } from 'commander';
import { action, withServices } from './context.ts';
import { printJson } from './output.ts';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export function registerClassifyCommands(program: Command): void {
  const classify = program
    .command('classify')
    .description('自动分类：训练、预测、评估 / text classification');

  classify
    .command('train')
    .description('训练分类模型（JSONL 每行 {"text","label"}）/ train a model from labelled JSONL')
    .option('--input <file>', '带标签的 JSONL / labelled JSONL')
    .option('--from-archive', '用档案库中已归档和已复核的档案训练 / learn from the archive')
    .requiredOption('--model <dir>', '模型文件夹 / model folder')
    .option('--seed <n>', '随机种子 / random seed', '42')
    .option('--epochs <n>', '训练轮数 / epochs')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      action(
        async (
          options: {
            input?: string;
            fromArchive?: boolean;
            model: string;
            seed: string;
            epochs?: string;
            json?: boolean;
          },
          command: Command,
        ) => {
          const { trainFromFile, trainToFolder } = await import('../modules/classify/classify.files.ts');
          const { noInput } = await import('../modules/classify/classify.errors.ts');
          const params = {
            seed: Number(options.seed) || 42,
            ...(options.epochs ? { epochs: Math.max(1, Number(options.epochs) || 1) } : {}),
          };
          let result;
          if (options.fromArchive) {
            const { archiveTrainingSet } = await import('../modules/classify/classify.repository.ts');
            const rows = await withServices(command, (services) =>
              archiveTrainingSet({ db: services.db, blobs: services.blobs }),
            );
            if (rows.length === 0) throw noInput();
            result = await trainToFolder(rows, options.model, { params });
          } else {
            if (!options.input) throw noInput();
            result = await trainFromFile(options.input, options.model, { params });
          }
          const { info, bytes } = result;
          if (options.json) {
            printJson({ model: options.model, bytes, ...info });
            return;
          }
          const lines = [
            `模型已保存 / model saved: ${options.model}  (${(bytes / 1024 / 1024).toFixed(1)} MB)`,
            `类别 / classes: ${info.labels.length}   训练样本 / rows: ${info.training.size}   用时 / time: ${info.training.seconds} s`,
          ];
          if (info.eval)
            lines.push(
              `留出集 / held-out (${info.eval.size}): 准确率 accuracy ${pct(info.eval.accuracy)}  macro-F1 ${pct(info.eval.macroF1)}`,
            );
          process.stdout.write(`${lines.join('\n')}\n`);
        },
      ),
    );

  classify
    .command('predict')
    .description('预测类别，每个输入行输出一行 JSON / predict, one JSON line per input row')
    .requiredOption('--model <dir>', '模型文件夹 / model folder')
    .requiredOption('--input <file>', 'JSONL，每行 {"text"} / JSONL rows with "text"')
    .option('--top <n>', '备选数 / alternatives', '5')
    .option('--json', '以 JSON 输出（默认）/ print JSON (default)')
    .action(
      action(async (options: { model: string; input: string; top: string; json?: boolean }) => {
        const { predictFile } = await import('../modules/classify/classify.files.ts');
        const predictions = await predictFile(
          options.model,
          options.input,
          Math.max(1, Number(options.top) || 5),
        );
        process.stdout.write(predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
      }),
    );

  classify
    .command('eval')
    .description('评估模型：准确率、macro-F1、混淆矩阵 / accuracy, macro-F1, confusion matrix')
    .requiredOption('--model <dir>', '模型文件夹 / model folder')
    .requiredOption('--input <file>', '带标签的 JSONL / labelled JSONL')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      action(async (options: { model: string; input: string; json?: boolean }) => {
        const { evalFile } = await import('../modules/classify/classify.files.ts');
        const e = await evalFile(options.model, options.input);
        if (options.json) {
          printJson({
            size: e.size,
            accuracy: e.accuracy,
            macroF1: e.macroF1,
            labels: e.labels,
            confusion: e.confusion,
            perLabel: e.perLabel,
          });
          return;
        }
        const lines = [
          `样本 / rows: ${e.size}`,
          `准确率 / accuracy: ${pct(e.accuracy)}`,
          `macro-F1: ${pct(e.macroF1)}`,
          '',
          '混淆矩阵 / confusion matrix (行=真实 rows=true, 列=预测 columns=predicted):',
          ['', ...e.labels.map((_, i) => `[${i + 1}]`)].join('\t'),
          ...e.confusion.map((row, i) => [`[${i + 1}]`, ...row].join('\t')),
          '',
          ...e.labels.map((l, i) => {
            const p = e.perLabel[i]!;
            return `[${i + 1}] ${l}  P ${pct(p.precision)}  R ${pct(p.recall)}  F1 ${pct(p.f1)}  n=${p.support}`;
          }),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
