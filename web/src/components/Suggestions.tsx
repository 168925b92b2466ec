/**
 * The classifier's suggestions for one record (GET /records/:id/suggestions): extracted fields with
 * their confidence, the suggested class path with alternatives, year, organisation and retention.
 * The archivist confirms or corrects the class (POST …/suggestions/review, kept as a training
 * example) and takes over single values into the metadata form with “采用”.
 */
import { CheckOutlined, EditOutlined } from '@ant-design/icons';
import {
  App,
  AutoComplete,
  Button,
  Descriptions,
  Empty,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, ApiError, call } from '../api/client';
import type { SuggestionView } from '../api/types';
import { useI18n } from '../i18n';
import { Loading, useAsync } from './async';
import { RETENTION } from './records';

export const FIELD_NAMES: Record<SuggestionView['fields'][number]['field'], [string, string]> = {
  docNumber: ['文号', 'Doc no.'],
  title: ['题名', 'Title'],
  issuer: ['责任者', 'Issuer'],
  documentDate: ['成文日期', 'Document date'],
  date: ['日期', 'Date'],
  recipients: ['主送', 'Recipients'],
  secrecyMark: ['密级标志', 'Secrecy mark'],
  retentionMark: ['保管期限标志', 'Retention mark'],
  creditCode: ['统一社会信用代码', 'Credit code'],
  projectCode: ['项目代码', 'Project code'],
  residentId: ['身份证号', 'Resident ID'],
  permitNumber: ['许可证号', 'Permit no.'],
  phone: ['电话', 'Phone'],
  amount: ['金额', 'Amount'],
  address: ['地址', 'Address'],
};

const STATUS: Record<SuggestionView['status'], [string, string, string]> = {
  review: ['待复核', 'To review', 'orange'],
  accepted: ['已自动采用', 'Accepted', 'blue'],
  confirmed: ['已确认', 'Confirmed', 'green'],
  corrected: ['已更正', 'Corrected', 'purple'],
  fields_only: ['仅著录项', 'Fields only', 'default'],
};

/** Values of the metadata form a suggestion can fill in. */
export interface SuggestedValues {
  title?: string;
  responsible?: string;
  docNumber?: string;
  formedOn?: string;
  year?: number;
  retention?: string;
  organisationId?: string;
  classId?: string;
}

export function SuggestionStatus({ status }: { status: SuggestionView['status'] }) {
  const { t } = useI18n();
  const [zh, en, color] = STATUS[status];
  return <Tag color={color}>{t(zh, en)}</Tag>;
}

export function Confidence({ value }: { value: number | null }) {
  if (value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const percent = Math.round(value * 100);
  return (
    <Progress
      percent={percent}
      size="small"
      style={{ width: 110, margin: 0 }}
      status={value < 0.6 ? 'exception' : 'normal'}
      format={(p) => `${p}%`}
    />
  );
}

const FORM_FIELD: Partial<Record<SuggestionView['fields'][number]['field'], keyof SuggestedValues>> = {
  title: 'title',
  issuer: 'responsible',
  docNumber: 'docNumber',
  documentDate: 'formedOn',
};

export function SuggestionsPanel({
  recordId,
  organisationName,
  onApply,
}: {
  recordId: string;
  organisationName: (id: string) => string;
  onApply: (values: SuggestedValues) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const state = useAsync(async () => {
    try {
      return await call(api.GET('/api/v1/records/{id}/suggestions', { params: { path: { id: recordId } } }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [recordId]);
  const [current, setCurrent] = useState<SuggestionView | null>(null);
  const [other, setOther] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (state.loading) return <Loading />;
  if (state.error) return <Typography.Text type="danger">{state.error.message}</Typography.Text>;
  const s = current ?? state.data;
  if (!s)
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t('暂无建议（文本提取后生成）', 'No suggestions yet (made after text extraction)')}
      />
    );
  const review = async (label?: string) => {
    setBusy(true);
    try {
      const next = await call(
        api.POST('/api/v1/records/{id}/suggestions/review', {
          params: { path: { id: recordId } },
          body: label ? { label } : {},
        }),
      );
      setCurrent(next);
      applyAll(next);
      void message.success(
        label
          ? t(`分类已更正为 ${next.label}`, `Class corrected to ${next.label}`)
          : t(`已确认分类 ${next.label}`, `Class ${next.label} confirmed`),
      );
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  /** The confirmed class with year, retention and organisation go into the form (saved with “保存”). */
  const applyAll = (v: SuggestionView) =>
    onApply({
      ...(v.classId ? { classId: v.classId } : {}),
      ...(v.year ? { year: v.year } : {}),
      ...(v.retentionCode ? { retention: v.retentionCode } : {}),
      ...(v.organisationId ? { organisationId: v.organisationId } : {}),
    });
  const reviewed = s.status === 'confirmed' || s.status === 'corrected';
  const alternatives = s.top.filter((x) => x.label !== s.label);
  return (
    <div data-testid="suggestions">
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          {
            key: 'label',
            label: t('建议分类', 'Suggested class'),
            children: (
              <Space wrap size={4}>
                <Typography.Text strong data-testid="suggested-label">
                  {s.label ?? t('（无模型）', '(no model)')}
                </Typography.Text>
                <SuggestionStatus status={s.status} />
              </Space>
            ),
          },
          { key: 'conf', label: t('置信度', 'Confidence'), children: <Confidence value={s.confidence} /> },
          {
            key: 'top',
            label: t('备选', 'Alternatives'),
            children: alternatives.length
              ? alternatives.map((a) => (
                  <Tag key={a.label}>
                    {a.label} {Math.round(a.confidence * 100)}%
                  </Tag>
                ))
              : '—',
          },
          { key: 'year', label: t('年度', 'Year'), children: s.year ?? '—' },
          {
            key: 'org',
            label: t('机构', 'Organisation'),
            children: s.organisationId ? organisationName(s.organisationId) : '—',
          },
          {
            key: 'ret',
            label: t('保管期限', 'Retention'),
            children: s.retentionCode
              ? RETENTION[s.retentionCode]
                ? t(...RETENTION[s.retentionCode]!)
                : s.retentionCode
              : '—',
          },
        ]}
      />
      <Space wrap style={{ margin: '8px 0' }}>
        <Button
          type="primary"
          size="small"
          icon={<CheckOutlined />}
          disabled={!s.label || busy}
          loading={busy}
          onClick={() => void review()}
        >
          {reviewed ? t('采用分类', 'Use class') : t('确认分类', 'Confirm class')}
        </Button>
        <AutoComplete
          size="small"
          allowClear
          placeholder={t('更正为类目路径…', 'Correct to class path…')}
          value={other}
          onChange={(v: string) => setOther(v || undefined)}
          style={{ width: 170 }}
          aria-label={t('更正分类', 'Correct the class')}
          options={s.top.map((a) => ({ value: a.label, label: a.label }))}
        />
        <Button
          size="small"
          icon={<EditOutlined />}
          disabled={!other || busy}
          onClick={() => void review(other?.trim())}
        >
          {t('更正', 'Correct')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey={(f) => `${f.field}:${f.start}`}
        pagination={false}
        scroll={{ y: 220 }}
        dataSource={s.fields}
        locale={{ emptyText: t('没有提取到著录项', 'No fields extracted') }}
        columns={[
          {
            title: t('字段', 'Field'),
            dataIndex: 'field',
            width: 96,
            render: (f: keyof typeof FIELD_NAMES) => t(...FIELD_NAMES[f]),
          },
          {
            title: t('值', 'Value'),
            dataIndex: 'value',
            ellipsis: true,
            render: (v: string, f) => (f.valid ? v : <Typography.Text type="warning">{v}</Typography.Text>),
          },
          {
            title: t('置信度', 'Conf.'),
            dataIndex: 'confidence',
            width: 70,
            render: (c: number) => `${Math.round(c * 100)}%`,
          },
          {
            title: '',
            width: 60,
            render: (_v, f) => {
              const target = FORM_FIELD[f.field];
              if (!target) return null;
              return (
                <Button size="small" type="link" onClick={() => onApply({ [target]: f.value })}>
                  {t('采用', 'Use')}
                </Button>
              );
            },
          },
        ]}
      />
    </div>
  );
}
