/** The typed API client: paths and bodies come from schema.d.ts, generated from the OpenAPI document. */
import createClient, { type Middleware } from 'openapi-fetch';
import { currentLocale, tr } from '../i18n';
import { authHeaders, clearToken } from './auth';
import type { paths } from './schema';

export type { components, paths } from './schema';

/** An error answered by the API: `{ error: { code, message, details? } }`, message in the UI language. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
    ?.error;
  if (error?.code) return new ApiError(status, error.code, error.message ?? error.code, error.details);
  return new ApiError(
    status,
    'http.' + status,
    currentLocale() === 'en' ? `Request failed (${status})` : `请求失败（${status}）`,
  );
}

const auth: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(authHeaders())) request.headers.set(k, v);
    request.headers.set('accept-language', currentLocale() === 'en' ? 'en' : 'zh-CN');
    return request;
  },
  onResponse({ response, request }) {
    // An expired or revoked session: forget it, the app shows the sign-in page.
    if (response.status === 401 && !request.url.endsWith('/auth/login')) clearToken();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** Unwraps an openapi-fetch result: the data, or a thrown ApiError with the server's message. */
export async function call<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await promise;
  } catch {
    throw new ApiError(
      0,
      'network',
      currentLocale() === 'en' ? 'The server cannot be reached.' : '无法连接服务器，请检查网络。',
    );
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

/** Downloads an authenticated resource as a Blob (file contents, proof bundles). */
export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url, {
    headers: { ...authHeaders(), 'accept-language': currentLocale() === 'en' ? 'en' : 'zh-CN' },
  });
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null));
  return response.blob();
}

/** Saves a Blob under a file name through the browser's download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Uploads one file with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadFile(
  file: File,
  metadata: Record<string, unknown>,
  options: { fileNow: boolean; onProgress: (percent: number) => void; signal?: AbortSignal },
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/records${options.fileNow ? '?file=true' : ''}`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('accept-language', currentLocale() === 'en' ? 'en' : 'zh-CN');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status alone says what happened
      }
      if (xhr.status === 401) clearToken();
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () =>
      reject(
        new ApiError(
          0,
          'network',
          tr('上传中断：无法连接服务器。', 'Upload interrupted: the server cannot be reached.'),
        ),
      );
    options.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    // The server reads the metadata field before the file, so it must come first.
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
