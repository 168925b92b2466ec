/**
 * The audit trail (审计日志) for the security auditor: filters (actor, action with * prefix, outcome,
 * record, address, time span, text), newest first with cursor paging, and export of every matching
 * event as CSV or JSONL (downloaded with the session's credentials).
 */
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, call, fetchBlob, saveBlob } from '../api/client';
import type { AuditEvent } from '../api/types';
import { EmptyState, ErrorState, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { useI18n } from '../i18n';
import { useSession } from '../session';

interface Filters {
  actor?: string;
  action?: string;
  outcome?: string;
  record?: string;
  ip?: string;
  q?: string;
  span?: [Dayjs | null, Dayjs | null] | null;
}

type Query = Record<string, string>;

function toQuery(f: Filters): Query {
  const q: Query = {};
  for (const k of ['actor', 'action', 'outcome', 'record', 'ip', 'q'] as const) {
    const v = f[k]?.trim();
    if (v) q[k] = v;
  }
  if (f.span?.[0]) q['from'] = f.span[0].toISOString();
  if (f.span?.[1]) q['to'] = f.span[1].toISOString();
  return q;
}

const OUTCOME_COLOR: Record<string, string> = { ok: 'green', denied: 'red', failed: 'orange' };

export default function AuditPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<Filters>();
  const [query, setQuery] = useState<Query>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [exporting, setExporting] = useState<string | null>(null);
  const list = useAsync(
    () =>
      call(
        api.GET('/api/v1/audit', {
          params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [query, cursor],
  );
  const exportAs = async (format: 'csv' | 'jsonl') => {
    setExporting(format);
    try {
      const params = new URLSearchParams({ ...query, format });
      const blob = await fetchBlob(`/api/v1/audit?${params.toString()}`);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      saveBlob(blob, `audit-${stamp}.${format}`);
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setExporting(null);
    }
  };
  return (
    <Card
      title={t('审计日志', 'Audit trail')}
      extra={
        can('audit.export') && (
          <Space>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting === 'csv'}
              onClick={() => void exportAs('csv')}
            >
              {t('导出 CSV', 'Export CSV')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting === 'jsonl'}
              onClick={() => void exportAs('jsonl')}
            >
              {t('导出 JSONL', 'Export JSONL')}
            </Button>
          </Space>
        )
      }
    >
      <Form<Filters>
        form={form}
        layout="inline"
        size="small"
        style={{ rowGap: 8, marginBottom: 12 }}
        onFinish={(v) => {
          setQuery(toQuery(v));
          setCursors([]);
        }}
      >
        <Form.Item name="actor" label={t('操作人', 'Actor')}>
          <Input placeholder="user:zhangsan" style={{ width: 130 }} allowClear />
        </Form.Item>
        <Form.Item name="action" label={t('操作', 'Action')}>
          <Input placeholder="record.*" style={{ width: 120 }} allowClear />
        </Form.Item>
        <Form.Item name="outcome" label={t('结果', 'Outcome')}>
          <Select
            allowClear
            style={{ width: 96 }}
            options={[
              { value: 'ok', label: t('成功', 'ok') },
              { value: 'denied', label: t('拒绝', 'denied') },
              { value: 'failed', label: t('失败', 'failed') },
            ]}
          />
        </Form.Item>
        <Form.Item name="record" label={t('档案', 'Record')}>
          <Input style={{ width: 110 }} allowClear />
        </Form.Item>
        <Form.Item name="ip" label={t('地址', 'Address')}>
          <Input style={{ width: 110 }} allowClear />
        </Form.Item>
        <Form.Item name="q" label={t('详情含', 'Details')}>
          <Input style={{ width: 110 }} allowClear />
        </Form.Item>
        <Form.Item name="span" label={t('时间', 'Time')}>
          <DatePicker.RangePicker showTime style={{ width: 330 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            {t('查询', 'Search')}
          </Button>
        </Form.Item>
      </Form>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <>
          <Table<AuditEvent>
            size="small"
            rowKey="id"
            data-testid="audit-table"
            loading={list.loading}
            dataSource={list.data?.items ?? []}
            pagination={false}
            scroll={{ y: 'calc(100vh - 380px)' }}
            locale={{ emptyText: <EmptyState>{t('没有符合条件的事件', 'No matching events')}</EmptyState> }}
            columns={[
              { title: t('时间', 'Time'), dataIndex: 'at', width: 170, render: (v: string) => formatTime(v) },
              { title: t('操作人', 'Actor'), dataIndex: 'actor', width: 130, ellipsis: true },
              { title: t('操作', 'Action'), dataIndex: 'action', width: 180, ellipsis: true },
              {
                title: t('结果', 'Outcome'),
                dataIndex: 'outcome',
                width: 76,
                render: (v: string) => <Tag color={OUTCOME_COLOR[v]}>{v}</Tag>,
              },
              { title: t('地址', 'Address'), dataIndex: 'ip', width: 120, ellipsis: true },
              {
                title: t('详情', 'Details'),
                dataIndex: 'details',
                ellipsis: true,
                render: (d: Record<string, unknown>, e) => {
                  const text = JSON.stringify({ ...(e.recordId ? { record: e.recordId } : {}), ...d });
                  return (
                    <Typography.Text code title={text} style={{ fontSize: 12 }}>
                      {text}
                    </Typography.Text>
                  );
                },
              },
              { title: t('账本', 'Ledger'), dataIndex: 'ledgerSeq', width: 64, render: (v) => v ?? '—' },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            {cursors.length > 0 && <Button onClick={() => setCursors([])}>{t('回到最新', 'Newest')}</Button>}
            {cursors.length > 0 && (
              <Button onClick={() => setCursors((c) => c.slice(0, -1))}>{t('上一页', 'Previous')}</Button>
            )}
            {list.data?.nextCursor && (
              <Button onClick={() => setCursors((c) => [...c, list.data!.nextCursor!])}>
                {t('下一页', 'Next page')}
              </Button>
            )}
          </Space>
        </>
      )}
    </Card>
  );
}
