/**
 * Classification settings. DANGAN_CLASSIFY_THRESHOLD: suggestions below this confidence go to the
 * review queue (default 0.9). Models live in <data>/classify/models/v<version>/.
 */
import { join } from 'node:path';

export interface ClassifyConfig {
  threshold: number;
  modelsDir: string;
}

export function classifyConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): ClassifyConfig {
  const raw = Number(env['DANGAN_CLASSIFY_THRESHOLD']);
  const threshold =
    Number.isFinite(raw) && raw >= 0 && raw <= 1 && env['DANGAN_CLASSIFY_THRESHOLD'] !== '' ? raw : 0.9;
  return { threshold, modelsDir: join(dataDir, 'classify', 'models') };
}
