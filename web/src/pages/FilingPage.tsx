/**
 * Filing (归档): the records waiting to be filed, their metadata to complete (year, retention and
 * the rest of DA/T 46), and the assignment of the archive number (档号, DA/T 22-2015).
 * The describe dialog shows the classifier's suggestions beside the form: the archivist confirms or
 * corrects the class and takes suggested values into the form before saving.
 */
import { EditOutlined, FileDoneOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Col,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { RecordPatch, RecordView } from '../api/types';
import { EmptyState, ErrorState, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { loadReference, type Reference } from '../components/reference';
import { LevelTag, RecordLink, RETENTION, StatusTag } from '../components/records';
import { SuggestionsPanel, type SuggestedValues } from '../components/Suggestions';
import { useI18n } from '../i18n';

export default function FilingPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'draft' | 'filed'>('draft');
  const [editing, setEditing] = useState<RecordView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const reference = useAsync(loadReference, []);
  const list = useAsync(
    () => call(api.GET('/api/v1/records', { params: { query: { status, limit: 50, cursor } } })),
    [status, cursor],
  );
  const file = async (r: RecordView) => {
    setBusy(r.id);
    try {
      const filed = await call(api.POST('/api/v1/records/{id}/file', { params: { path: { id: r.id } } }));
      void message.success(
        t(`“${r.title}”已归档，档号 ${filed.archiveNo}`, `“${r.title}” filed as ${filed.archiveNo}`),
      );
      list.reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card
      title={t('整理归档', 'Filing')}
      extra={
        <Select
          value={status}
          onChange={(v) => {
            setStatus(v);
            setCursor(undefined);
          }}
          options={[
            { value: 'draft', label: t('待归档', 'Waiting to be filed') },
            { value: 'filed', label: t('已归档', 'Filed') },
          ]}
          style={{ width: 140 }}
          aria-label={t('状态', 'Status')}
        />
      }
    >
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {t(
              '归档前须填写年度（或形成日期）与保管期限；归档后档号组成项不可再改。',
              'Year (or date) and retention are needed before filing; the archive number parts are fixed afterwards.',
            )}
          </Typography.Paragraph>
          <Table<RecordView>
            size="small"
            rowKey="id"
            loading={list.loading}
            dataSource={list.data?.items ?? []}
            pagination={false}
            locale={{
              emptyText: (
                <EmptyState>
                  {status === 'draft'
                    ? t('没有待归档的档案', 'Nothing waiting to be filed')
                    : t('还没有已归档的档案', 'Nothing filed yet')}
                </EmptyState>
              ),
            }}
            columns={[
              {
                title: t('题名', 'Title'),
                ellipsis: true,
                render: (_v, r) => <RecordLink id={r.id} title={r.title} />,
              },
              { title: t('门类', 'Category'), dataIndex: 'category', width: 70 },
              {
                title: t('年度', 'Year'),
                dataIndex: 'year',
                width: 70,
                render: (v) => v ?? <Typography.Text type="danger">—</Typography.Text>,
              },
              {
                title: t('保管期限', 'Retention'),
                dataIndex: 'retention',
                width: 100,
                render: (v: string | null) => {
                  const known = v ? RETENTION[v] : undefined;
                  return known ? t(...known) : <Typography.Text type="danger">—</Typography.Text>;
                },
              },
              {
                title: t('密级', 'Level'),
                dataIndex: 'level',
                width: 80,
                render: (v) => <LevelTag level={v} />,
              },
              {
                title: status === 'draft' ? t('上传时间', 'Created') : t('档号', 'Archive no.'),
                width: 210,
                render: (_v, r) => (status === 'draft' ? formatTime(r.createdAt) : r.archiveNo),
              },
              {
                title: t('状态', 'Status'),
                dataIndex: 'status',
                width: 80,
                render: (v) => <StatusTag status={v} />,
              },
              {
                title: t('操作', 'Actions'),
                width: 190,
                render: (_v, r) => (
                  <Space size={4}>
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
                      {t('著录', 'Describe')}
                    </Button>
                    {r.status === 'draft' && (
                      <Button
                        size="small"
                        type="primary"
                        icon={<FileDoneOutlined />}
                        loading={busy === r.id}
                        onClick={() => void file(r)}
                      >
                        {t('归档', 'File')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">
              {t(`共 ${list.data?.total ?? 0} 条`, `${list.data?.total ?? 0} in all`)}
            </Typography.Text>
            {cursor && <Button onClick={() => setCursor(undefined)}>{t('回到第一页', 'First page')}</Button>}
            {list.data?.nextCursor && (
              <Button onClick={() => setCursor(list.data!.nextCursor ?? undefined)}>
                {t('下一页', 'Next page')}
              </Button>
            )}
          </Space>
        </>
      )}
      {editing && reference.data && (
        <EditRecord
          record={editing}
          reference={reference.data}
          onClose={(changed) => {
            setEditing(null);
            if (changed) list.reload();
          }}
        />
      )}
    </Card>
  );
}

interface EditValues {
  title: string;
  responsible?: string;
  docNumber?: string;
  formedOn?: Dayjs | null;
  year?: number | null;
  retention?: 'Y' | 'D30' | 'D10';
  organisation?: string;
  level?: string;
  notes?: string;
  class?: string;
}

function EditRecord({
  record,
  reference,
  onClose,
}: {
  record: RecordView;
  reference: Reference;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const [saving, setSaving] = useState(false);
  const filed = record.status === 'filed';
  const applySuggested = (v: SuggestedValues) => {
    const org = v.organisationId ? reference.organisations.find((o) => o.id === v.organisationId) : undefined;
    const always: Partial<EditValues> = {
      ...(v.title ? { title: v.title } : {}),
      ...(v.responsible ? { responsible: v.responsible } : {}),
      ...(v.docNumber ? { docNumber: v.docNumber } : {}),
      ...(v.formedOn && dayjs(v.formedOn).isValid() ? { formedOn: dayjs(v.formedOn) } : {}),
    };
    // Archive-number parts are fixed once filed: only a draft takes year, retention, organisation, class.
    const draftOnly: Partial<EditValues> = filed
      ? {}
      : {
          ...(v.year ? { year: v.year } : {}),
          ...(v.retention ? { retention: v.retention as EditValues['retention'] } : {}),
          ...(org ? { organisation: org.code } : {}),
          ...(v.classId ? { class: v.classId } : {}),
        };
    form.setFieldsValue({ ...always, ...draftOnly });
  };
  const save = async () => {
    const v = await form.validateFields();
    const body: RecordPatch = {
      title: v.title,
      ...(v.responsible ? { responsible: v.responsible } : {}),
      ...(v.docNumber ? { docNumber: v.docNumber } : {}),
      ...(v.formedOn ? { formedOn: v.formedOn.format('YYYY-MM-DD') } : {}),
      ...(v.notes ? { notes: v.notes } : {}),
      ...(v.class ? { class: v.class } : {}),
      ...(filed
        ? {}
        : {
            ...(v.year ? { year: v.year } : {}),
            ...(v.retention ? { retention: v.retention } : {}),
            ...(v.organisation ? { organisation: v.organisation } : {}),
            ...(v.level ? { level: v.level } : {}),
          }),
    };
    setSaving(true);
    try {
      await call(
        api.PATCH('/api/v1/records/{id}', {
          params: { path: { id: record.id }, header: { 'if-match': `"${record.version}"` } },
          body,
        }),
      );
      void message.success(t('已保存', 'Saved'));
      onClose(true);
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('著录：', 'Describe: ') + record.title}
      onCancel={() => onClose(false)}
      onOk={() => void save()}
      okText={t('保存', 'Save')}
      confirmLoading={saving}
      width={1040}
      styles={{ body: { maxHeight: 'calc(100vh - 220px)', overflowY: 'auto' } }}
    >
      <Row gutter={16}>
        <Col span={13}>
          <Form<EditValues>
            form={form}
            layout="vertical"
            size="small"
            initialValues={{
              title: record.title,
              responsible: record.responsible ?? undefined,
              docNumber: record.docNumber ?? undefined,
              formedOn: record.formedOn ? dayjs(record.formedOn) : null,
              year: record.year,
              retention: (record.retention as EditValues['retention']) ?? undefined,
              organisation: record.organisation,
              level: record.level,
              notes: record.notes ?? undefined,
              class: record.class ?? undefined,
            }}
          >
            <Form.Item name="title" label={t('题名', 'Title')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="responsible" label={t('责任者', 'Responsible')} style={{ width: '50%' }}>
                <Input />
              </Form.Item>
              <Form.Item name="docNumber" label={t('文号', 'Doc no.')} style={{ width: '50%' }}>
                <Input />
              </Form.Item>
            </Space.Compact>
            <Space.Compact block>
              <Form.Item name="formedOn" label={t('形成日期', 'Formed on')} style={{ width: '34%' }}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="year" label={t('年度', 'Year')} style={{ width: '33%' }}>
                <InputNumber min={1000} max={9999} style={{ width: '100%' }} disabled={filed} />
              </Form.Item>
              <Form.Item name="retention" label={t('保管期限', 'Retention')} style={{ width: '33%' }}>
                <Select
                  disabled={filed}
                  options={reference.vocabularies.retentionPeriods.map((r) => ({
                    value: r.code,
                    label: t(r.zh, r.en),
                  }))}
                />
              </Form.Item>
            </Space.Compact>
            <Space.Compact block>
              <Form.Item
                name="organisation"
                label={t('机构（问题）', 'Organisation')}
                style={{ width: '60%' }}
              >
                <Select
                  disabled={filed}
                  options={reference.organisations.map((o) => ({
                    value: o.code,
                    label: `${o.code} ${o.name}`,
                  }))}
                />
              </Form.Item>
              <Form.Item name="level" label={t('密级', 'Secrecy level')} style={{ width: '40%' }}>
                <Select
                  disabled={filed}
                  options={reference.vocabularies.secrecyLevels.map((l) => ({
                    value: l.code,
                    label: t(l.zh, l.en),
                  }))}
                />
              </Form.Item>
            </Space.Compact>
            <Form.Item name="class" label={t('分类（类目）', 'Class')}>
              <Input disabled={filed} data-testid="record-class" />
            </Form.Item>
            <Form.Item name="notes" label={t('附注', 'Notes')}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </Form>
        </Col>
        <Col span={11}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('分类与著录建议', 'Suggestions')}
          </Typography.Title>
          <SuggestionsPanel
            recordId={record.id}
            organisationName={(id) => {
              const o = reference.organisations.find((x) => x.id === id);
              return o ? `${o.code} ${o.name}` : id;
            }}
            onApply={(v) => applySuggested(v)}
          />
        </Col>
      </Row>
    </Modal>
  );
}
