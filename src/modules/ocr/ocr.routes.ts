/** OCR review over HTTP: page images of any scan, and saving a reviewed page as a new text version. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../app/services.ts';
import { pageImage } from './ocr.page-image.ts';
import { saveOcrPage } from './ocr.review.ts';

const pageParams = z.object({
  id: z.string().min(1).max(200).describe('档案 id 或档号'),
  page: z.coerce.number().int().min(1).max(100_000).describe('页码，从 1 开始'),
});

// One line of text: no line breaks or form feeds (they separate lines and pages in the stored text).
const lineSchema = z
  .string()
  .max(2000)
  .regex(/^[^\r\n\f\u2028\u2029]*$/, '一行文字不能含换行 / a line cannot hold a line break');

export function ocrRoutes(services: Services): FastifyPluginAsync {
  const { db, blobs, owner, tmpDir, config } = services;
  const keyring = config.encryption.enabled ? services.keyring : undefined;
  const watermarkFromRank = config.secrecyLevels.find(
    (l) => l.code === config.security.watermarkFromLevel,
  )?.rank;
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.put(
      '/records/:id/ocr/pages/:page',
      {
        schema: {
          tags: ['ocr'],
          summary:
            '保存一页的校对结果（逐行文字，行数须与识别结果相同）：作为 OCR 文本与版面的新版本保存，原识别结果保留；未改动即记为“已核对”。权限同修改著录项',
          params: pageParams,
          body: z.strictObject({
            lines: z.array(lineSchema).max(5000),
            base: z.uuid().optional().describe('校对所依据的版面文件 id；已有更新版本时返回 409'),
          }),
          response: {
            200: z.object({
              page: z.number(),
              changed: z.array(z.number()).describe('改动的行（从 0 开始）'),
              layoutId: z.string(),
              textId: z.string(),
              version: z.number().describe('版本号：识别结果为 1'),
            }),
          },
        },
      },
      async (request) =>
        saveOcrPage(
          { db, blobs, owner, keyring },
          request.actor,
          request.params.id,
          request.params.page,
          request.body,
        ),
    );
    api.get(
      '/records/:id/ocr/pages/:page/image',
      {
        schema: {
          tags: ['ocr'],
          summary:
            '原件第 N 页的 PNG 图像（PDF、多页 TIFF、PNG、JPEG；长边不超过 2000 像素）；按密级加水印，记为一次下载',
          params: pageParams,
          querystring: z.strictObject({ purpose: z.string().trim().min(1).max(100).optional() }),
        },
      },
      async (request, reply) => {
        const image = await pageImage(
          { db, blobs, tmpDir, watermarkFromRank },
          request.actor,
          request.params.id,
          request.params.page,
          { purpose: request.query.purpose },
        );
        return reply
          .header('content-type', 'image/png')
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .header('x-dangan-page-count', String(image.pageCount))
          .header('x-dangan-watermarked', String(image.watermarked))
          .send(image.png);
      },
    );
  };
}
