/**
 * Errors are values with a stable dotted code, an HTTP status and a message in Chinese and English.
 * One handler (server) and one printer (CLI) turn them into replies; internals never leak.
 */
export interface ErrorSpec {
  code: string;
  status: number;
  zh: string;
  en: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(spec: ErrorSpec, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(`${spec.code}: ${spec.en}`, options);
    this.name = 'AppError';
    this.code = spec.code;
    this.status = spec.status;
    this.zh = spec.zh;
    this.en = spec.en;
    this.details = details;
  }

  message_(locale: Locale): string {
    return locale === 'en' ? this.en : this.zh;
  }
}

export type Locale = 'zh' | 'en';

/** A factory per error kind; message texts may use {name} placeholders filled from details. */
export interface ErrorFactory {
  (details?: Record<string, unknown>, options?: { cause?: unknown }): AppError;
  readonly code: string;
  is(error: unknown): error is AppError;
}

const registry = new Map<string, ErrorSpec>();

export function createErrorFactory(spec: ErrorSpec): ErrorFactory {
  if (registry.has(spec.code)) throw new Error(`duplicate error code ${spec.code}`);
  registry.set(spec.code, spec);
  const factory = (details?: Record<string, unknown>, options?: { cause?: unknown }) =>
    new AppError({ ...spec, zh: fill(spec.zh, details), en: fill(spec.en, details) }, details, options);
  return Object.assign(factory, {
    code: spec.code,
    is: (error: unknown): error is AppError => error instanceof AppError && error.code === spec.code,
  });
}

/** Every registered error code, for the documentation and the test that codes stay stable. */
export function errorCatalogue(): ErrorSpec[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

function fill(template: string, details: Record<string, unknown> | undefined): string {
  if (!details) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export const internalError = createErrorFactory({
  code: 'internal',
  status: 500,
  zh: '服务器内部错误，请稍后重试或联系管理员。',
  en: 'Internal server error. Please retry later or contact the administrator.',
});
