/**
 * OCR review: the page image with the detected lines, seals and signatures drawn on it, beside the
 * recognised lines; lines below the confidence threshold are highlighted, tables are previewed.
 * Keyboard: PageDown / PageUp (or Alt+→ / Alt+←) change the page. Saving corrections needs an
 * endpoint that does not exist yet: corrected text can be downloaded as a file meanwhile.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Input, List, Pagination, Row, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, call, fetchBlob, saveBlob } from '../api/client';
import type { ComponentView, RecordView } from '../api/types';
import { AsyncView, EmptyState, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { RecordLink, StatusTag } from '../components/records';
import { useI18n } from '../i18n';

type Box = [number, number, number, number];
interface Layout {
  engine: string;
  pages: {
    width: number;
    height: number;
    rotation: number;
    confidence: number;
    lines: { text: string; box: Box; confidence: number }[];
    tables: { box: Box; rows: { text: string; rowSpan: number; colSpan: number }[][] }[];
    seals: { box: Box; text?: string }[];
    signatures: { box: Box }[];
  }[];
  review?: { page: number; confidence: number; lines: number[] }[];
}
const THRESHOLD = 0.8;

export default function OcrPage() {
  const { id } = useParams();
  return id ? <Review id={id} /> : <Pick />;
}

function Pick() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const state = useAsync(() => call(api.GET('/api/v1/records', { params: { query: { limit: 50 } } })), []);
  return (
    <Card title={t('OCR 校对：选择档案', 'OCR review: pick a record')}>
      <Typography.Paragraph type="secondary">
        {t(
          '扫描件（PNG、JPEG、TIFF、扫描 PDF）上传后在后台识别；识别完成后可在此逐页校对。',
          'Scans are recognised in the background after upload; review them here page by page.',
        )}
      </Typography.Paragraph>
      <AsyncView state={state}>
        {({ items }) => (
          <List<RecordView>
            dataSource={items}
            locale={{ emptyText: <EmptyState>{t('还没有档案', 'No records yet')}</EmptyState> }}
            renderItem={(r) => (
              <List.Item
                actions={[
                  <Button key="o" onClick={() => void navigate(`/ocr/${r.id}`)}>
                    {t('校对', 'Review')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={r.title}
                  description={
                    <Space>
                      <StatusTag status={r.status} />
                      {formatTime(r.createdAt)}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </AsyncView>
    </Card>
  );
}

function Review({ id }: { id: string }) {
  const { t } = useI18n();
  const state = useAsync(async () => {
    const record = await call(api.GET('/api/v1/records/{id}', { params: { path: { id } } }));
    const components = record.components ?? [];
    const layoutComponent = components.find((c) => c.role === 'ocr_layout');
    const original = components.find((c) => c.role === 'original');
    const layout = layoutComponent
      ? (JSON.parse(await (await fetchBlob(contentUrl(record.id, layoutComponent))).text()) as Layout)
      : null;
    const image =
      original && /^image\/(png|jpeg|gif|webp)/.test(original.mediaType)
        ? URL.createObjectURL(await fetchBlob(contentUrl(record.id, original)))
        : null;
    return { record, layout, image, xlsx: components.find((c) => c.role === 'table_xlsx') };
  }, [id]);
  const image = state.data?.image;
  useEffect(() => () => void (image && URL.revokeObjectURL(image)), [image]);
  return (
    <AsyncView state={state}>
      {({ record, layout, image, xlsx }) =>
        layout ? (
          <PageReview record={record} layout={layout} image={image} xlsx={xlsx} />
        ) : (
          <Card title={<RecordLink id={record.id} title={record.title} />}>
            <EmptyState>
              {t(
                '此档案还没有 OCR 结果：只有扫描件会被识别，识别在后台进行，请稍后刷新。',
                'No OCR result yet: only scans are recognised, in the background; refresh later.',
              )}
            </EmptyState>
          </Card>
        )
      }
    </AsyncView>
  );
}

function contentUrl(recordId: string, c: ComponentView): string {
  return `/api/v1/records/${encodeURIComponent(recordId)}/components/${c.id}/content`;
}

function PageReview({
  record,
  layout,
  image,
  xlsx,
}: {
  record: RecordView;
  layout: Layout;
  image: string | null;
  xlsx: ComponentView | undefined;
}) {
  const { t } = useI18n();
  const [pageNo, setPageNo] = useState(1);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const page = layout.pages[pageNo - 1]!;
  const count = layout.pages.length;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'PageDown' || (e.altKey && e.key === 'ArrowRight'))
        setPageNo((p) => Math.min(count, p + 1));
      if (e.key === 'PageUp' || (e.altKey && e.key === 'ArrowLeft')) setPageNo((p) => Math.max(1, p - 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count]);
  const text = () =>
    layout.pages
      .map((p, pi) => p.lines.map((l, li) => edits[`${pi}:${li}`] ?? l.text).join('\n'))
      .join('\n\f\n');
  const low = page.lines.filter((l) => l.confidence < THRESHOLD).length;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Space>
          <Typography.Title level={5} style={{ margin: 0 }}>
            <RecordLink id={record.id} title={record.title} />
          </Typography.Title>
          <Tag>{layout.engine}</Tag>
          <Tag color={page.confidence < THRESHOLD ? 'orange' : 'green'}>
            {t('本页置信度', 'Page confidence')} {(page.confidence * 100).toFixed(1)}%
          </Tag>
          {low > 0 && <Tag color="orange">{t(`${low} 行待核对`, `${low} lines to check`)}</Tag>}
        </Space>
        <Space>
          <Pagination simple current={pageNo} total={count} pageSize={1} onChange={setPageNo} />
          {xlsx && (
            <Button
              icon={<DownloadOutlined />}
              onClick={async () => saveBlob(await fetchBlob(contentUrl(record.id, xlsx)), xlsx.fileName)}
            >
              xlsx
            </Button>
          )}
          <Button
            icon={<DownloadOutlined />}
            onClick={() =>
              saveBlob(new Blob([text()], { type: 'text/plain;charset=utf-8' }), `${record.title}.校对.txt`)
            }
          >
            {t('下载校对文本', 'Download corrected text')}
          </Button>
        </Space>
      </Space>
      <Row gutter={16}>
        <Col span={12} style={{ minWidth: 0 }}>
          <Card size="small" title={t('页面图像', 'Page image')}>
            {image && pageNo === 1 && page.rotation === 0 ? (
              // The outer box scrolls; the inner one is exactly the image, so the drawing lines up with it.
              <div style={{ maxHeight: 560, overflow: 'auto' }}>
                <div style={{ position: 'relative' }}>
                  <img src={image} alt={record.title} style={{ width: '100%', display: 'block' }} />
                  <svg
                    viewBox={`0 0 ${page.width} ${page.height}`}
                    style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }}
                  >
                    {page.lines.map((l, i) => (
                      <rect
                        key={`l${i}`}
                        {...rect(l.box)}
                        fill="none"
                        stroke={l.confidence < THRESHOLD ? '#fa8c16' : '#1677ff'}
                        strokeWidth={Math.max(1, page.width / 600)}
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
                </div>
              </div>
            ) : (
              <Alert
                type="info"
                title={t(
                  '此页的图像不能在浏览器中直接显示（PDF、TIFF 或旋转页），请在档案页查看原件。',
                  'This page image cannot be shown here (PDF, TIFF or rotated page); open the original on the record page.',
                )}
              />
            )}
            <Space style={{ marginTop: 8 }} size="small">
              <Tag color="blue">{t('文本行', 'Lines')}</Tag>
              <Tag color="orange">{t('低置信度', 'Low confidence')}</Tag>
              <Tag color="red">{t(`印章 ${page.seals.length}`, `Seals ${page.seals.length}`)}</Tag>
              <Tag color="purple">
                {t(`签名 ${page.signatures.length}`, `Signatures ${page.signatures.length}`)}
              </Tag>
            </Space>
          </Card>
        </Col>
        <Col span={12} style={{ minWidth: 0 }}>
          <Card
            size="small"
            title={t('识别文本（可修改）', 'Recognised text (editable)')}
            styles={{ body: { maxHeight: 560, overflow: 'auto' } }}
          >
            {page.lines.length === 0 ? (
              <EmptyState>{t('本页没有识别到文字', 'No text on this page')}</EmptyState>
            ) : (
              page.lines.map((l, i) => {
                const key = `${pageNo - 1}:${i}`;
                return (
                  <Input
                    key={key}
                    value={edits[key] ?? l.text}
                    onChange={(e) => setEdits((x) => ({ ...x, [key]: e.target.value }))}
                    status={l.confidence < THRESHOLD ? 'warning' : undefined}
                    suffix={
                      <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                        {Math.round(l.confidence * 100)}
                      </Typography.Text>
                    }
                    style={{ marginBottom: 4 }}
                    aria-label={t(`第 ${i + 1} 行`, `Line ${i + 1}`)}
                  />
                );
              })
            )}
            {page.tables.map((tb, ti) => (
              <Table
                key={ti}
                size="small"
                bordered
                pagination={false}
                showHeader={false}
                style={{ marginTop: 12 }}
                title={() => t(`表格 ${ti + 1}`, `Table ${ti + 1}`)}
                rowKey={(_r, i) => String(i)}
                dataSource={tb.rows.map((r) => Object.fromEntries(r.map((c, ci) => [ci, c.text])))}
                columns={(tb.rows[0] ?? []).map((_c, ci) => ({ dataIndex: String(ci), key: ci }))}
              />
            ))}
          </Card>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t(
          '快捷键：PageDown / PageUp 或 Alt+→ / Alt+← 翻页。保存校对结果的接口尚未提供；可先下载校对文本。',
          'Keys: PageDown / PageUp or Alt+→ / Alt+← change the page. Saving corrections has no endpoint yet; download the corrected text.',
        )}
      </Typography.Paragraph>
    </div>
  );
}

function rect(b: Box) {
  return { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1] };
}
