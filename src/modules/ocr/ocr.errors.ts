/** OCR errors: stable codes, messages in Chinese and English. */
import { createErrorFactory } from '../../app/errors.ts';

export const ocrUnreadableImage = createErrorFactory({
  code: 'ocr.unreadable_image',
  status: 422,
  zh: '图像“{name}”已损坏、不完整或格式不受支持，无法识别。',
  en: 'Image "{name}" is corrupt, truncated or of an unsupported format: {reason}.',
});

export const ocrImageTooLarge = createErrorFactory({
  code: 'ocr.image_too_large',
  status: 422,
  zh: '图像“{name}”尺寸过大（{width}×{height} 像素），超过识别上限。',
  en: 'Image "{name}" is too large to read ({width}×{height} pixels).',
});

export const ocrUnsupportedFile = createErrorFactory({
  code: 'ocr.unsupported_file',
  status: 415,
  zh: '文件“{name}”不是可识别的扫描件（支持 PDF、PNG、JPEG、TIFF）。',
  en: 'File "{name}" is not a scan that can be read (PDF, PNG, JPEG, TIFF are supported).',
});

export const ocrModelMissing = createErrorFactory({
  code: 'ocr.model_missing',
  status: 500,
  zh: '找不到 OCR 模型文件“{path}”，请重新安装依赖（npm ci）。',
  en: 'OCR model file "{path}" is missing; reinstall the dependencies (npm ci).',
});

export const ocrAborted = createErrorFactory({
  code: 'ocr.aborted',
  status: 503,
  zh: '识别已中止（超时或服务停止）。',
  en: 'Recognition was aborted (time limit or shutdown).',
});

export const ocrPdfEncrypted = createErrorFactory({
  code: 'ocr.pdf_encrypted',
  status: 422,
  zh: 'PDF 文件“{name}”已加密（需要密码），无法识别。',
  en: 'PDF "{name}" is encrypted (a password is needed) and cannot be read.',
});

export const ocrUnreadablePdf = createErrorFactory({
  code: 'ocr.unreadable_pdf',
  status: 422,
  zh: 'PDF 文件“{name}”已损坏或不完整，无法识别。',
  en: 'PDF "{name}" is corrupt or truncated: {reason}.',
});

export const ocrFontMissing = createErrorFactory({
  code: 'ocr.font_missing',
  status: 500,
  zh: '找不到可嵌入可检索 PDF 的中文字体，请安装 fonts-droid-fallback 或 fonts-wqy-microhei 等 TrueType 中文字体。',
  en: 'No Chinese TrueType font to embed in the searchable PDF; install fonts-droid-fallback (or another CJK TrueType font).',
});

export const ocrPageTimeout = createErrorFactory({
  code: 'ocr.page_timeout',
  status: 422,
  zh: '“{name}”第 {page} 页识别超过时限（{seconds} 秒），已停止。',
  en: 'Page {page} of "{name}" took longer than its time limit ({seconds} s) and was stopped.',
});

export const ocrWorkerCrashed = createErrorFactory({
  code: 'ocr.worker_crashed',
  status: 500,
  zh: '识别进程在读取“{name}”时意外退出（{reason}）。',
  en: 'The OCR worker exited unexpectedly while reading "{name}" ({reason}).',
});

export const ocrNoResult = createErrorFactory({
  code: 'ocr.no_result',
  status: 404,
  zh: '档案 {record} 还没有 OCR 识别结果（只有扫描件会被识别，识别在后台进行）。',
  en: 'Record {record} has no OCR result yet (only scans are read, in the background).',
});

export const ocrPageNotFound = createErrorFactory({
  code: 'ocr.page_not_found',
  status: 404,
  zh: '没有第 {page} 页（共 {count} 页）。',
  en: 'There is no page {page} (the document has {count}).',
});

export const ocrLinesMismatch = createErrorFactory({
  code: 'ocr.lines_mismatch',
  status: 422,
  zh: '校对结果须逐行对应识别结果：本页有 {expected} 行，提交了 {given} 行。',
  en: 'The corrected lines must match the recognised ones: the page has {expected}, {given} were sent.',
});

export const ocrReviewConflict = createErrorFactory({
  code: 'ocr.review_conflict',
  status: 409,
  zh: '他人已先保存了此档案的校对结果，请重新加载后再修改。',
  en: 'Someone else saved a review of this record first; reload and correct again.',
});

export const ocrPageImageTooLarge = createErrorFactory({
  code: 'ocr.page_image_too_large',
  status: 413,
  zh: '原件过大（{size} 字节），不能在线生成页面图像，请下载原件查看。',
  en: 'The original is too large ({size} bytes) to render a page image; download it instead.',
});
