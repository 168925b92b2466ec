import { createErrorFactory } from '../../app/errors.ts';

export const ledgerNoCheckpoint = createErrorFactory({
  code: 'ledger.no_checkpoint',
  status: 404,
  zh: '账本尚无已签名的检查点。',
  en: 'The ledger has no signed checkpoint yet.',
});

export const ledgerNodeMissing = createErrorFactory({
  code: 'ledger.node_missing',
  status: 500,
  zh: '账本的树节点 {node} 缺失，请运行 dangan ledger verify。',
  en: 'Ledger tree node {node} is missing; run dangan ledger verify.',
});
