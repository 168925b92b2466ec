/**
 * One configuration schema. Layers, later wins: defaults < config file < environment < CLI flags.
 * Every setting names its environment variable and CLI flag here, so `dangan config` and the
 * documentation are generated from the same table the loader uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { createErrorFactory } from './errors.ts';

export const configInvalid = createErrorFactory({
  code: 'config.invalid',
  status: 500,
  zh: '配置项 {setting} 无效：{reason}',
  en: 'Setting {setting} is invalid: {reason}',
});
export const configFileUnreadable = createErrorFactory({
  code: 'config.file_unreadable',
  status: 500,
  zh: '无法读取配置文件 {path}：{reason}',
  en: 'Cannot read the configuration file {path}: {reason}',
});

const secrecyLevel = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  zh: z.string().min(1),
  en: z.string().min(1),
  rank: z.number().int().min(0),
});

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, '必须以 postgres:// 开头 / must start with postgres://')
      .optional(),
    volumes: z.array(z.string().min(1)).default([]),
    locale: z.enum(['zh', 'en']).default('zh'),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        sessionHours: z.number().positive().default(12),
        shutdownGraceMs: z.number().int().min(0).default(10_000),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, sessionHours: 12, shutdownGraceMs: 10_000 }),
    ingest: z
      .object({
        maxFileBytes: z
          .number()
          .int()
          .positive()
          .default(2 * 1024 ** 3),
        // Unlabelled material is treated as internal until an archivist decides: the safe side.
        defaultLevel: z.string().default('internal'),
      })
      .strict()
      .default({ maxFileBytes: 2 * 1024 ** 3, defaultLevel: 'internal' }),
    jobs: z
      .object({
        workers: z.number().int().min(0).max(64).default(2),
        pollMs: z.number().int().positive().default(500),
        leaseSeconds: z.number().int().positive().default(600),
        // OCR worker processes (0: one per core) and the time limit of one page.
        ocrWorkers: z.number().int().min(0).max(64).default(0),
        ocrPageTimeoutSeconds: z.number().int().positive().default(120),
      })
      .strict()
      .default({ workers: 2, pollMs: 500, leaseSeconds: 600, ocrWorkers: 0, ocrPageTimeoutSeconds: 120 }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    security: z
      .object({
        /** requests a minute from one address to the API (rate limit) */
        rateLimitPerMinute: z.number().int().min(1).default(1200),
        /** sign-in attempts a minute from one address */
        loginRateLimitPerMinute: z.number().int().min(1).default(30),
        /** failed sign-ins in a row before the account is locked */
        maxFailedLogins: z.number().int().min(2).default(5),
        lockMinutes: z.number().positive().default(15),
        /** a session unused for this long ends (tokens are not affected) */
        sessionIdleMinutes: z.number().positive().default(30),
        totpIssuer: z.string().min(1).max(64).default('dangan'),
        /** copies of documents at or above this secrecy level are served watermarked */
        watermarkFromLevel: z.string().default('sensitive'),
      })
      .strict()
      .default({
        rateLimitPerMinute: 1200,
        loginRateLimitPerMinute: 30,
        maxFailedLogins: 5,
        lockMinutes: 15,
        sessionIdleMinutes: 30,
        totpIssuer: 'dangan',
        watermarkFromLevel: 'sensitive',
      }),
    ledger: z
      .object({
        /** external witness for signed checkpoints: a file path (JSON lines appended) or an http(s) URL (POST) */
        witness: z.string().min(1).optional(),
        /** for a new ledger only: the Merkle hash (an existing ledger keeps its own) */
        hash: z.enum(['sha256', 'sm3']).default('sha256'),
        /** for a new ledger only: the checkpoint signature (an existing ledger keeps its own) */
        signature: z.enum(['ed25519', 'sm2']).default('ed25519'),
      })
      .strict()
      .default({ hash: 'sha256', signature: 'ed25519' }),
    // Encryption at rest (docs/SECURITY-KEYS.md). Secrets never come from here but from the
    // environment only: DANGAN_MASTER_KEY or DANGAN_MASTER_PASSPHRASE, DANGAN_PKCS11_PIN.
    encryption: z
      .object({
        enabled: z.boolean().default(true),
        cipher: z.enum(['aes-256-gcm', 'sm4-gcm']).default('aes-256-gcm'),
        keyStore: z.enum(['file', 'pkcs11']).default('file'),
        pkcs11Library: z.string().min(1).optional(),
        pkcs11Token: z.string().min(1).optional(),
        /** levels from this rank up are wrapped for their holders too (docs/SECURITY-KEYS.md) */
        holderFromLevel: z.string().min(1).default('sensitive'),
        /** refuse to store at a holder level that has no holder yet (instead of the KEK alone) */
        holdersRequired: z.boolean().default(false),
      })
      .strict()
      .default({
        enabled: true,
        cipher: 'aes-256-gcm',
        keyStore: 'file',
        holderFromLevel: 'sensitive',
        holdersRequired: false,
      }),
    secrecyLevels: z
      .array(secrecyLevel)
      .min(1)
      .default([
        { code: 'public', zh: '公开', en: 'Public', rank: 0 },
        { code: 'internal', zh: '内部', en: 'Internal', rank: 1 },
        { code: 'sensitive', zh: '敏感', en: 'Sensitive', rank: 2 },
      ]),
    bootstrap: z
      .object({
        organisationCode: z
          .string()
          .regex(/^[A-Z0-9]{1,16}$/)
          .default('SPJ'),
        organisationName: z.string().min(1).default('市行政审批局'),
        fondsCode: z
          .string()
          .regex(/^[A-Za-z0-9]{1,16}$/)
          .default('A001'),
        fondsName: z.string().min(1).default('市行政审批局全宗'),
      })
      .strict()
      .default({
        organisationCode: 'SPJ',
        organisationName: '市行政审批局',
        fondsCode: 'A001',
        fondsName: '市行政审批局全宗',
      }),
  })
  .strict();

export type Config = z.infer<typeof configSchema> & { configFile: string | undefined };

type Kind = 'string' | 'number' | 'list' | 'json';
interface Setting {
  path: string;
  env: string;
  flag?: string;
  kind: Kind;
  secret?: boolean;
  doc: string;
}

/** The settings reachable from the environment and the command line, with their documentation. */
export const settings: Setting[] = [
  {
    path: 'dataDir',
    env: 'DANGAN_DATA',
    flag: 'data',
    kind: 'string',
    doc: '数据文件夹（嵌入式数据库、卷、日志）',
  },
  {
    path: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: 'database-url',
    kind: 'string',
    secret: true,
    doc: 'PostgreSQL 服务器地址；不设则使用嵌入式 PGlite',
  },
  {
    path: 'volumes',
    env: 'DANGAN_VOLUMES',
    flag: 'volumes',
    kind: 'list',
    doc: '存储卷（副本）文件夹，逗号分隔；默认数据文件夹内两个',
  },
  { path: 'locale', env: 'DANGAN_LOCALE', flag: 'locale', kind: 'string', doc: '界面与消息语言 zh 或 en' },
  { path: 'server.host', env: 'DANGAN_HOST', flag: 'host', kind: 'string', doc: '监听地址' },
  { path: 'server.port', env: 'DANGAN_PORT', flag: 'port', kind: 'number', doc: '监听端口' },
  { path: 'server.sessionHours', env: 'DANGAN_SESSION_HOURS', kind: 'number', doc: '登录会话有效小时数' },
  {
    path: 'server.shutdownGraceMs',
    env: 'DANGAN_SHUTDOWN_GRACE_MS',
    kind: 'number',
    doc: '停机时等待任务完成的毫秒数',
  },
  {
    path: 'ingest.maxFileBytes',
    env: 'DANGAN_MAX_FILE_BYTES',
    flag: 'max-file-bytes',
    kind: 'number',
    doc: '单个文件大小上限（字节）',
  },
  {
    path: 'ingest.defaultLevel',
    env: 'DANGAN_DEFAULT_LEVEL',
    flag: 'default-level',
    kind: 'string',
    doc: '未指定密级时的默认密级',
  },
  {
    path: 'jobs.workers',
    env: 'DANGAN_JOB_WORKERS',
    flag: 'workers',
    kind: 'number',
    doc: '后台任务并发数（0 表示不处理任务）',
  },
  { path: 'jobs.pollMs', env: 'DANGAN_JOB_POLL_MS', kind: 'number', doc: '任务队列轮询间隔（毫秒）' },
  {
    path: 'jobs.leaseSeconds',
    env: 'DANGAN_JOB_LEASE_SECONDS',
    kind: 'number',
    doc: '任务租约秒数，超时视为中断并重新排队',
  },
  {
    path: 'jobs.ocrWorkers',
    env: 'DANGAN_OCR_WORKERS',
    kind: 'number',
    doc: 'OCR 识别进程数（0 表示每核一个）',
  },
  {
    path: 'jobs.ocrPageTimeoutSeconds',
    env: 'DANGAN_OCR_PAGE_TIMEOUT',
    kind: 'number',
    doc: 'OCR 每页时限（秒）',
  },
  {
    path: 'security.rateLimitPerMinute',
    env: 'DANGAN_RATE_LIMIT',
    flag: 'rate-limit',
    kind: 'number',
    doc: '每个地址每分钟的 API 请求上限',
  },
  {
    path: 'security.loginRateLimitPerMinute',
    env: 'DANGAN_LOGIN_RATE_LIMIT',
    flag: 'login-rate-limit',
    kind: 'number',
    doc: '每个地址每分钟的登录尝试上限',
  },
  {
    path: 'security.maxFailedLogins',
    env: 'DANGAN_MAX_FAILED_LOGINS',
    kind: 'number',
    doc: '连续登录失败多少次后锁定账户',
  },
  { path: 'security.lockMinutes', env: 'DANGAN_LOCK_MINUTES', kind: 'number', doc: '账户锁定分钟数' },
  {
    path: 'security.sessionIdleMinutes',
    env: 'DANGAN_SESSION_IDLE_MINUTES',
    kind: 'number',
    doc: '会话闲置多少分钟后失效',
  },
  { path: 'log.level', env: 'DANGAN_LOG_LEVEL', flag: 'log-level', kind: 'string', doc: '日志级别' },
  {
    path: 'security.watermarkFromLevel',
    env: 'DANGAN_WATERMARK_FROM_LEVEL',
    kind: 'string',
    doc: '自此密级起（含）下载或查看的文件加可见水印',
  },
  {
    path: 'ledger.witness',
    env: 'DANGAN_LEDGER_WITNESS',
    flag: 'ledger-witness',
    kind: 'string',
    doc: '检查点发布给外部见证：文件路径（追加 JSON 行）或 http(s) URL（POST）',
  },
  {
    path: 'ledger.hash',
    env: 'DANGAN_LEDGER_HASH',
    kind: 'string',
    doc: '新建账本的默克尔哈希 sha256 或 sm3（已有账本沿用建立时的算法）',
  },
  {
    path: 'ledger.signature',
    env: 'DANGAN_LEDGER_SIGNATURE',
    kind: 'string',
    doc: '新建账本的检查点签名 ed25519 或 sm2（SM3，默认身份标识 1234567812345678；已有账本沿用）',
  },
  { path: 'secrecyLevels', env: 'DANGAN_SECRECY_LEVELS', kind: 'json', doc: '密级列表（JSON）' },
  {
    path: 'encryption.enabled',
    env: 'DANGAN_ENCRYPTION',
    kind: 'json',
    doc: '静态加密新存文件（true/false）',
  },
  { path: 'encryption.cipher', env: 'DANGAN_CIPHER', kind: 'string', doc: '加密算法 aes-256-gcm 或 sm4-gcm' },
  { path: 'encryption.keyStore', env: 'DANGAN_KEY_STORE', kind: 'string', doc: '密钥库 file 或 pkcs11' },
  { path: 'encryption.pkcs11Library', env: 'DANGAN_PKCS11_LIBRARY', kind: 'string', doc: 'PKCS#11 模块路径' },
  { path: 'encryption.pkcs11Token', env: 'DANGAN_PKCS11_TOKEN', kind: 'string', doc: 'PKCS#11 令牌标签' },
  {
    path: 'encryption.holderFromLevel',
    env: 'DANGAN_HOLDER_FROM_LEVEL',
    kind: 'string',
    doc: '自此密级起（含更高密级）内容另为授权持有人公钥封装',
  },
  {
    path: 'encryption.holdersRequired',
    env: 'DANGAN_HOLDERS_REQUIRED',
    kind: 'json',
    doc: '持有人密级尚无持有人时拒绝存入（true/false）',
  },
];

export interface LoadConfigOptions {
  /** values from CLI flags, keyed by flag name (e.g. { data: './x', port: '9000' }) */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** explicit config file; otherwise DANGAN_CONFIG, otherwise <dataDir>/dangan.json if present */
  configFile?: string;
  cwd?: string;
}

/** Builds the effective configuration, validated, with a message naming the bad setting. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const cwd = options.cwd ?? process.cwd();

  const fromEnv: Record<string, unknown> = {};
  const fromFlags: Record<string, unknown> = {};
  for (const setting of settings) {
    const envValue = env[setting.env];
    if (envValue !== undefined && envValue !== '')
      setPath(fromEnv, setting.path, parse(setting, envValue, `${setting.env}`));
    const flagValue = setting.flag === undefined ? undefined : flags[camel(setting.flag)];
    if (flagValue !== undefined)
      setPath(fromFlags, setting.path, parse(setting, flagValue, `--${setting.flag}`));
  }

  // The data folder decides where the default config file is, so resolve it before reading the file.
  const earlyDataDir = (fromFlags.dataDir ?? fromEnv.dataDir) as string | undefined;
  let configFile = options.configFile ?? (flags.config as string | undefined) ?? env.DANGAN_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (configFile === undefined) {
    const candidate = join(resolve(cwd, earlyDataDir ?? './data'), 'dangan.json');
    if (existsSync(candidate)) configFile = candidate;
  }
  if (configFile !== undefined) fromFile = readConfigFile(resolve(cwd, configFile));

  const merged = deepMerge(deepMerge(fromFile, fromEnv), fromFlags);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const setting = issue.path.join('.') || '(root)';
    throw configInvalid({ setting: describeSetting(setting), reason: issue.message });
  }
  const config = result.data;
  config.dataDir = resolve(cwd, config.dataDir);
  config.volumes =
    config.volumes.length > 0
      ? config.volumes.map((v) => (isAbsolute(v) ? v : resolve(cwd, v)))
      : [join(config.dataDir, 'volumes', 'v1'), join(config.dataDir, 'volumes', 'v2')];
  if (config.ledger.witness && !/^https?:\/\//i.test(config.ledger.witness))
    config.ledger.witness = resolve(cwd, config.ledger.witness);
  const levels = new Set<string>();
  const ranks = new Set<number>();
  for (const level of config.secrecyLevels) {
    if (levels.has(level.code) || ranks.has(level.rank))
      throw configInvalid({ setting: 'secrecyLevels', reason: `重复的密级 ${level.code} / duplicate level` });
    levels.add(level.code);
    ranks.add(level.rank);
  }
  if (!levels.has(config.security.watermarkFromLevel))
    throw configInvalid({
      setting: 'security.watermarkFromLevel',
      reason: `密级 ${config.security.watermarkFromLevel} 不在 secrecyLevels 中 / not a configured level`,
    });
  if (!levels.has(config.encryption.holderFromLevel))
    throw configInvalid({
      setting: 'encryption.holderFromLevel',
      reason: `密级 ${config.encryption.holderFromLevel} 不在 secrecyLevels 中 / not a configured level`,
    });
  if (!levels.has(config.ingest.defaultLevel))
    throw configInvalid({
      setting: 'ingest.defaultLevel',
      reason: `密级 ${config.ingest.defaultLevel} 不在 secrecyLevels 中 / not a configured level`,
    });
  return { ...config, configFile: configFile === undefined ? undefined : resolve(cwd, configFile) };
}

/** The effective configuration as printed by `dangan config`: secrets masked. */
export function maskedConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  if (typeof copy.databaseUrl === 'string') copy.databaseUrl = maskUrl(copy.databaseUrl);
  return copy;
}

export function maskUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:****@');
}

function describeSetting(path: string): string {
  const setting = settings.find((s) => path === s.path || path.startsWith(`${s.path}.`));
  return setting ? `${path} (${setting.env}${setting.flag ? `, --${setting.flag}` : ''})` : path;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw configFileUnreadable({ path, reason: (error as Error).message });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw configFileUnreadable({ path, reason: (error as Error).message });
  }
}

function parse(setting: Setting, raw: unknown, source: string): unknown {
  if (typeof raw !== 'string') return raw;
  switch (setting.kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw configInvalid({
          setting: `${setting.path} (${source})`,
          reason: `不是数字 / not a number: ${raw}`,
        });
      return n;
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw configInvalid({
          setting: `${setting.path} (${source})`,
          reason: '不是合法 JSON / not valid JSON',
        });
      }
  }
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
