/**
 * One page of a scan, rendered by the server (`GET /records/:id/ocr/pages/:n/image`: PDF, TIFF and
 * image pages alike, watermarked where required), with the recognised lines, seals and signatures
 * drawn over it. The drawing uses the layout's page size as its coordinates, so it is only shown when
 * the image has the page's proportions (a page OCR had to turn is shown without it).
 */
import { Alert, Spin, Tag, Space } from 'antd';
import { useEffect, useState } from 'react';
import { fetchBlob } from '../api/client';
import { useI18n } from '../i18n';

export type Box = [number, number, number, number];
export interface LayoutPage {
  width: number;
  height: number;
  rotation: number;
  confidence: number;
  lines: { text: string; box: Box; confidence: number }[];
  tables: { box: Box; rows: { text: string; rowSpan: number; colSpan: number }[][] }[];
  seals: { box: Box; text?: string }[];
  signatures: { box: Box }[];
  reviewedBy?: string;
  reviewedAt?: string;
  corrected?: number[];
}

export const THRESHOLD = 0.8;

export function OcrPageImage({
  recordId,
  pageNo,
  page,
  title,
  active,
}: {
  recordId: string;
  pageNo: number;
  page: LayoutPage;
  title: string;
  /** index of the line being edited, outlined more strongly */
  active: number | null;
}) {
  const { t } = useI18n();
  const [image, setImage] = useState<{ url: string; page: number } | { error: string; page: number }>();
  const [size, setSize] = useState<{ w: number; h: number }>();
  useEffect(() => {
    let url: string | undefined;
    let live = true;
    setSize(undefined);
    fetchBlob(`/api/v1/records/${encodeURIComponent(recordId)}/ocr/pages/${pageNo}/image`).then(
      (blob) => {
        url = URL.createObjectURL(blob);
        if (live) setImage({ url, page: pageNo });
      },
      (e: Error) => live && setImage({ error: e.message, page: pageNo }),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [recordId, pageNo]);
  const stroke = Math.max(1, page.width / 600);
  const aligned = size && Math.abs(size.w / size.h - page.width / page.height) < 0.02;
  return (
    <div>
      {!image || image.page !== pageNo ? (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      ) : 'error' in image ? (
        <Alert type="warning" title={image.error} />
      ) : (
        // The outer box scrolls; the inner one is exactly the image, so the drawing lines up with it.
        <div style={{ maxHeight: 560, overflow: 'auto' }}>
          <div style={{ position: 'relative' }}>
            <img
              src={image.url}
              alt={t(`${title} 第 ${pageNo} 页`, `${title}, page ${pageNo}`)}
              style={{ width: '100%', display: 'block' }}
              onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
            />
            {aligned && (
              <svg
                viewBox={`0 0 ${page.width} ${page.height}`}
                style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }}
                aria-hidden
              >
                {page.lines.map((l, i) => (
                  <rect
                    key={`l${i}`}
                    {...rect(l.box)}
                    fill={i === active ? 'rgba(22,119,255,0.12)' : 'none'}
                    stroke={l.confidence < THRESHOLD ? '#fa8c16' : '#1677ff'}
                    strokeWidth={i === active ? stroke * 3 : stroke}
                  />
                ))}
                {page.seals.map((s, i) => (
                  <rect
                    key={`s${i}`}
                    {...rect(s.box)}
                    fill="rgba(245,34,45,0.08)"
                    stroke="#f5222d"
                    strokeDasharray="6 4"
                    strokeWidth={Math.max(2, page.width / 400)}
                  />
                ))}
                {page.signatures.map((s, i) => (
                  <rect
                    key={`g${i}`}
                    {...rect(s.box)}
                    fill="none"
                    stroke="#722ed1"
                    strokeWidth={Math.max(2, page.width / 400)}
                  />
                ))}
              </svg>
            )}
          </div>
        </div>
      )}
      <Space style={{ marginTop: 8 }} size="small" wrap>
        <Tag color="blue">{t('文本行', 'Lines')}</Tag>
        <Tag color="orange">{t('低置信度', 'Low confidence')}</Tag>
        <Tag color="red">{t(`印章 ${page.seals.length}`, `Seals ${page.seals.length}`)}</Tag>
        <Tag color="purple">
          {t(`签名 ${page.signatures.length}`, `Signatures ${page.signatures.length}`)}
        </Tag>
        {size && !aligned && <Tag>{t('此页经旋转识别，未标出文本行', 'Turned page: lines not drawn')}</Tag>}
      </Space>
    </div>
  );
}

function rect(b: Box) {
  return { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1] };
}
