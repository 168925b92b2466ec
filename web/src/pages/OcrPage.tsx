/**
 * OCR review: the page image (any page of a PDF, TIFF or image, rendered by the server) with the
 * detected lines, seals and signatures drawn on it, beside the recognised lines; lines below the
 * confidence threshold are highlighted, tables are previewed. A reviewed page is saved as a new
 * version of the OCR text (the machine output is kept) and the record is re-indexed for search.
 * Keyboard: Enter moves to the next line, Ctrl+Enter saves (accepts) the page and opens the next,
 * PageDown / PageUp (or Alt+→ / Alt+←) change the page without saving.
 */
import { CheckOutlined, DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Input, List, Pagination, Row, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, call, fetchBlob, saveBlob } from '../api/client';
import type { ComponentView, RecordView } from '../api/types';
import { AsyncView, EmptyState, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { OcrPageImage, THRESHOLD, type LayoutPage } from '../components/OcrPageImage';
import { RecordLink, StatusTag } from '../components/records';
import { useI18n } from '../i18n';
import { useSession } from '../session';

interface Layout {
  engine: string;
  pages: LayoutPage[];
  review?: { page: number; confidence: number; lines: number[] }[];
}

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

/** The current version of a derived file: the one no later version of the same role points at. */
function currentOf(components: ComponentView[], role: string): ComponentView | undefined {
  return components.findLast(
    (c) => c.role === role && !components.some((n) => n.sourceId === c.id && n.role === role),
  );
}

function Review({ id }: { id: string }) {
  const { t } = useI18n();
  const state = useAsync(async () => {
    const record = await call(api.GET('/api/v1/records/{id}', { params: { path: { id } } }));
    const components = record.components ?? [];
    const layoutComponent = currentOf(components, 'ocr_layout');
    const layout = layoutComponent
      ? (JSON.parse(await (await fetchBlob(contentUrl(record.id, layoutComponent))).text()) as Layout)
      : null;
    return {
      record,
      layout,
      base: layoutComponent?.id,
      xlsx: components.find((c) => c.role === 'table_xlsx'),
    };
  }, [id]);
  return (
    <AsyncView state={state}>
      {({ record, layout, base, xlsx }) =>
        layout && base ? (
          <PageReview record={record} initial={layout} base={base} xlsx={xlsx} />
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
  initial,
  base: initialBase,
  xlsx,
}: {
  record: RecordView;
  initial: Layout;
  base: string;
  xlsx: ComponentView | undefined;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const [layout, setLayout] = useState(initial);
  const [base, setBase] = useState(initialBase);
  const [pageNo, setPageNo] = useState(firstToReview(initial));
  const [edits, setEdits] = useState<Record<number, string[]>>({});
  const [active, setActive] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const page = layout.pages[pageNo - 1]!;
  const count = layout.pages.length;
  const lines = edits[pageNo - 1] ?? page.lines.map((l) => l.text);
  const dirty = lines.some((text, i) => text !== page.lines[i]?.text);

  const save = useCallback(async () => {
    if (saving) return;
    setSaving(true);
    try {
      const result = await call(
        api.PUT('/api/v1/records/{id}/ocr/pages/{page}', {
          params: { path: { id: record.id, page: pageNo } },
          body: { lines, base },
        }),
      );
      setBase(result.layoutId);
      setLayout((l) => ({
        ...l,
        review: l.review?.filter((r) => r.page !== pageNo),
        pages: l.pages.map((p, i) =>
          i === pageNo - 1
            ? {
                ...p,
                lines: p.lines.map((line, li) => ({ ...line, text: lines[li] ?? line.text })),
                corrected: [...new Set([...(p.corrected ?? []), ...result.changed])],
                reviewedBy: user ? `user:${user.username}` : p.reviewedBy,
                reviewedAt: new Date().toISOString(),
              }
            : p,
        ),
      }));
      setEdits((e) => {
        const { [pageNo - 1]: _saved, ...rest } = e;
        return rest;
      });
      void message.success(
        result.changed.length > 0
          ? t(
              `第 ${pageNo} 页已保存（改动 ${result.changed.length} 行，第 ${result.version} 版）`,
              `Page ${pageNo} saved (${result.changed.length} lines changed, version ${result.version})`,
            )
          : t(`第 ${pageNo} 页已核对`, `Page ${pageNo} accepted`),
      );
      if (pageNo < count) {
        setPageNo(pageNo + 1);
        setActive(null);
      }
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  }, [saving, record.id, pageNo, lines, base, count, message, t, user]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void save();
        return;
      }
      if (e.key === 'PageDown' || (e.altKey && e.key === 'ArrowRight')) {
        setPageNo((p) => Math.min(count, p + 1));
        setActive(null);
      }
      if (e.key === 'PageUp' || (e.altKey && e.key === 'ArrowLeft')) {
        setPageNo((p) => Math.max(1, p - 1));
        setActive(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, save]);

  const text = () =>
    layout.pages.map((p, pi) => (edits[pi] ?? p.lines.map((l) => l.text)).join('\n')).join('\n\f\n');
  const low = page.lines.filter((l) => l.confidence < THRESHOLD).length;
  const toReview = layout.review?.length ?? 0;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            <RecordLink id={record.id} title={record.title} />
          </Typography.Title>
          <Tag>{layout.engine}</Tag>
          <Tag color={page.confidence < THRESHOLD ? 'orange' : 'green'}>
            {t('本页置信度', 'Page confidence')} {(page.confidence * 100).toFixed(1)}%
          </Tag>
          {low > 0 && <Tag color="orange">{t(`${low} 行待核对`, `${low} lines to check`)}</Tag>}
          {page.reviewedBy ? (
            <Tag color="green" icon={<CheckOutlined />}>
              {t(`已核对：${page.reviewedBy}`, `Reviewed by ${page.reviewedBy}`)}
              {page.reviewedAt ? ` ${formatTime(page.reviewedAt)}` : ''}
            </Tag>
          ) : null}
          {toReview > 0 && <Tag color="orange">{t(`${toReview} 页待复核`, `${toReview} pages flagged`)}</Tag>}
        </Space>
        <Space wrap>
          <Pagination
            simple
            current={pageNo}
            total={count}
            pageSize={1}
            onChange={(n) => {
              setPageNo(n);
              setActive(null);
            }}
          />
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
            {t('下载文本', 'Download text')}
          </Button>
        </Space>
      </Space>
      <Row gutter={16}>
        <Col span={12} style={{ minWidth: 0 }}>
          <Card
            size="small"
            title={t(`页面图像（第 ${pageNo} / ${count} 页）`, `Page ${pageNo} of ${count}`)}
          >
            <OcrPageImage
              recordId={record.id}
              pageNo={pageNo}
              page={page}
              title={record.title}
              active={active}
            />
          </Card>
        </Col>
        <Col span={12} style={{ minWidth: 0 }}>
          <Card
            size="small"
            title={t('识别文本（可修改）', 'Recognised text (editable)')}
            extra={
              <Button
                type="primary"
                size="small"
                loading={saving}
                icon={<CheckOutlined />}
                onClick={() => void save()}
                title="Ctrl+Enter"
              >
                {dirty ? t('保存并下一页', 'Save and next page') : t('无误，下一页', 'Accept and next page')}
              </Button>
            }
            styles={{ body: { maxHeight: 560, overflow: 'auto' } }}
          >
            {page.lines.length === 0 ? (
              <EmptyState>{t('本页没有识别到文字', 'No text on this page')}</EmptyState>
            ) : (
              page.lines.map((l, i) => (
                <Input
                  key={`${pageNo}:${i}`}
                  id={`ocr-line-${i}`}
                  value={lines[i]}
                  onFocus={() => setActive(i)}
                  onChange={(e) => {
                    const value = e.target.value.replace(/[\r\n\f]/g, '');
                    setEdits((x) => ({ ...x, [pageNo - 1]: lines.map((v, li) => (li === i ? value : v)) }));
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                      e.preventDefault();
                      document.getElementById(`ocr-line-${i + 1}`)?.focus();
                    }
                  }}
                  status={l.confidence < THRESHOLD ? 'warning' : undefined}
                  suffix={
                    <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                      {page.corrected?.includes(i) ? t('已改', 'edited') : Math.round(l.confidence * 100)}
                    </Typography.Text>
                  }
                  style={{ marginBottom: 4 }}
                  aria-label={t(`第 ${i + 1} 行`, `Line ${i + 1}`)}
                />
              ))
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
          '快捷键：Enter 到下一行；Ctrl+Enter 保存本页（未改动即记为已核对）并打开下一页；PageDown / PageUp 或 Alt+→ / Alt+← 翻页（不保存）。保存后原识别结果保留，检索按校对后的文字重新索引。',
          'Keys: Enter goes to the next line; Ctrl+Enter saves the page (unchanged: accepted) and opens the next; PageDown / PageUp or Alt+→ / Alt+← change the page without saving. The machine output is kept; search re-indexes the corrected text.',
        )}
      </Typography.Paragraph>
    </div>
  );
}

/** The first page flagged for review and not yet reviewed, else page 1. */
function firstToReview(layout: Layout): number {
  const flagged = layout.review?.map((r) => r.page).sort((a, b) => a - b)[0];
  return flagged && flagged <= layout.pages.length ? flagged : 1;
}
