/** One record: metadata, files (download, in-browser viewer), history, ledger proof, related records, filing. */
import {
  DownloadOutlined,
  EyeOutlined,
  FileDoneOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Modal,
  Row,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, call, fetchBlob, saveBlob } from '../api/client';
import type { ComponentView, RecordView } from '../api/types';
import { AsyncView, EmptyState, useAsync } from '../components/async';
import { formatBytes, formatTime } from '../components/format';
import { LevelTag, RETENTION, StatusTag } from '../components/records';
import { RelatedPanel } from '../components/RelatedPanel';
import { viewable, Viewer } from '../components/Viewer';
import { useI18n } from '../i18n';
import { canFile, useSession } from '../session';

const ROLES: Record<string, [string, string]> = {
  original: ['原件', 'Original'],
  text: ['提取文本', 'Extracted text'],
  ocr_text: ['OCR 文本', 'OCR text'],
  ocr_layout: ['OCR 版面', 'OCR layout'],
  searchable_pdf: ['双层 PDF', 'Searchable PDF'],
  table_xlsx: ['表格 xlsx', 'Table (xlsx)'],
};

export default function RecordPage() {
  const { id = '' } = useParams();
  const state = useAsync(async () => {
    const [record, categories] = await Promise.all([
      call(api.GET('/api/v1/records/{id}', { params: { path: { id } } })),
      call(api.GET('/api/v1/categories')),
    ]);
    const fields = categories.items.find((c) => c.code === record.category)?.extraFields ?? [];
    return {
      ...record,
      fieldNames: Object.fromEntries(fields.map((f) => [f.name, [f.zh, f.en] as [string, string]])),
    };
  }, [id]);
  return (
    <AsyncView state={state}>
      {(record) => <RecordDetail record={record} onChange={state.reload} />}
    </AsyncView>
  );
}

function RecordDetail({
  record,
  onChange,
}: {
  record: RecordView & { fieldNames: Record<string, [string, string]> };
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const [viewing, setViewing] = useState<ComponentView | null>(null);
  const [filing, setFiling] = useState(false);
  const components = record.components ?? [];
  const download = async (c: ComponentView) => {
    try {
      saveBlob(await fetchBlob(`/api/v1/records/${record.id}/components/${c.id}/content`), c.fileName);
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  const proof = async () => {
    try {
      const bundle = await call(
        api.GET('/api/v1/records/{id}/proof', { params: { path: { id: record.id } } }),
      );
      saveBlob(
        new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }),
        `proof-${record.archiveNo ?? record.id}.json`,
      );
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  const file = async () => {
    setFiling(true);
    try {
      const filed = await call(
        api.POST('/api/v1/records/{id}/file', { params: { path: { id: record.id } } }),
      );
      void message.success(t(`已归档，档号 ${filed.archiveNo}`, `Filed as ${filed.archiveNo}`));
      onChange();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setFiling(false);
    }
  };
  const retention = record.retention ? RETENTION[record.retention] : undefined;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} align="start">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {record.title}
          </Typography.Title>
          <Space style={{ marginTop: 8 }}>
            <StatusTag status={record.status} />
            <LevelTag level={record.level} />
            {record.archiveNo && (
              <Typography.Text copyable strong data-testid="archive-no">
                {record.archiveNo}
              </Typography.Text>
            )}
          </Space>
        </div>
        <Space>
          {record.status === 'draft' && user && canFile(user.roles) && (
            <Button type="primary" icon={<FileDoneOutlined />} loading={filing} onClick={file}>
              {t('归档（分配档号）', 'File (assign archive no.)')}
            </Button>
          )}
          <Button icon={<SafetyCertificateOutlined />} onClick={proof}>
            {t('下载账本证明', 'Ledger proof')}
          </Button>
        </Space>
      </Space>
      <Row gutter={16}>
        <Col span={15} style={{ minWidth: 0 }}>
          <Card size="small" title={t('著录项', 'Metadata')} style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('档号', 'Archive no.')}>
                {record.archiveNo ?? t('未归档', 'not filed')}
              </Descriptions.Item>
              <Descriptions.Item label={t('件号', 'Item no.')}>{record.itemNo ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('全宗', 'Fonds')}>{record.fonds}</Descriptions.Item>
              <Descriptions.Item label={t('门类', 'Category')}>
                {record.category} {record.categoryName}
              </Descriptions.Item>
              <Descriptions.Item label={t('机构（问题）', 'Organisation')}>
                {record.organisation} {record.organisationName}
              </Descriptions.Item>
              <Descriptions.Item label={t('年度', 'Year')}>{record.year ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('保管期限', 'Retention')}>
                {retention ? t(...retention) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('形成日期', 'Formed on')}>
                {record.formedOn ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('责任者', 'Responsible')}>
                {record.responsible ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('文号', 'Doc no.')}>{record.docNumber ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('页数', 'Pages')}>{record.pageCount ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('关键词', 'Keywords')}>
                {record.keywords.length ? record.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '—'}
              </Descriptions.Item>
              {Object.entries(record.extra).map(([k, v]) => (
                <Descriptions.Item key={k} label={record.fieldNames[k] ? t(...record.fieldNames[k]) : k}>
                  {String(v)}
                </Descriptions.Item>
              ))}
              <Descriptions.Item label={t('附注', 'Notes')} span={2}>
                {record.notes ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('上传', 'Created')}>
                {formatTime(record.createdAt)} · {record.createdBy}
              </Descriptions.Item>
              <Descriptions.Item label={t('归档', 'Filed')}>
                {record.filedAt ? `${formatTime(record.filedAt)} · ${record.filedBy ?? ''}` : '—'}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('文件', 'Files')}>
            <Table<ComponentView>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={components}
              locale={{ emptyText: <EmptyState>{t('没有文件', 'No files')}</EmptyState> }}
              columns={[
                {
                  title: t('类型', 'Kind'),
                  dataIndex: 'role',
                  width: 110,
                  render: (r: string) => (ROLES[r] ? t(...ROLES[r]) : r),
                },
                { title: t('文件名', 'File name'), dataIndex: 'fileName', ellipsis: true },
                { title: t('大小', 'Size'), dataIndex: 'size', width: 90, render: formatBytes },
                {
                  title: t('操作', 'Actions'),
                  width: 170,
                  render: (_v, c) => (
                    <Space size={4}>
                      {viewable(c) && (
                        <Button size="small" icon={<EyeOutlined />} onClick={() => setViewing(c)}>
                          {t('查看', 'View')}
                        </Button>
                      )}
                      <Button size="small" icon={<DownloadOutlined />} onClick={() => void download(c)}>
                        {t('下载', 'Download')}
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              SHA-256 {components.find((c) => c.role === 'original')?.sha256.slice(0, 16)}…
            </Typography.Text>
          </Card>
        </Col>
        <Col span={9} style={{ minWidth: 0 }}>
          <Card size="small">
            <Tabs
              items={[
                {
                  key: 'related',
                  label: t('关联档案', 'Related'),
                  children: <RelatedPanel id={record.id} />,
                },
                {
                  key: 'history',
                  label: t('历史', 'History'),
                  children: <History id={record.id} version={record.version} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={viewing !== null}
        onCancel={() => setViewing(null)}
        footer={null}
        width={960}
        title={viewing?.fileName}
        destroyOnHidden
      >
        {viewing && <Viewer recordId={record.id} component={viewing} />}
      </Modal>
    </div>
  );
}

const ACTIONS: Record<string, [string, string]> = {
  'record.ingest': ['上传入库', 'Ingested'],
  'record.create': ['建立', 'Created'],
  'record.update': ['修改著录', 'Metadata changed'],
  'record.file': ['归档', 'Filed'],
  'record.view': ['查看', 'Viewed'],
  'record.download': ['下载', 'Downloaded'],
  'record.history': ['查看历史', 'History read'],
  'record.proof': ['下载证明', 'Proof downloaded'],
  'record.derive': ['生成派生文件', 'Derived file added'],
  'record.ocr_review': ['OCR 校对', 'OCR reviewed'],
};

/** What an OCR review changed: the page and its line numbers (the text itself is in the version). */
function reviewDetail(
  details: Record<string, unknown>,
  t: (zh: string, en: string) => string,
): string | null {
  const page = details['page'];
  const changed = details['changed'];
  if (typeof page !== 'number' || !Array.isArray(changed)) return null;
  const lines = changed.map((i) => Number(i) + 1).join('、');
  return changed.length > 0
    ? t(`第 ${page} 页，改动第 ${lines} 行`, `page ${page}, lines ${lines} changed`)
    : t(`第 ${page} 页，核对无误`, `page ${page} accepted unchanged`);
}

function History({ id, version }: { id: string; version: number }) {
  const { t } = useI18n();
  const label = (names: Record<string, [string, string]>, key: string) => {
    const known = names[key];
    return known ? t(...known) : key;
  };
  const state = useAsync(
    () => call(api.GET('/api/v1/records/{id}/events', { params: { path: { id }, query: { limit: 100 } } })),
    [id, version],
  );
  return (
    <AsyncView state={state}>
      {({ items }) => (
        <>
          <Typography.Paragraph type="secondary">
            {t('当前版本：', 'Current version: ')}
            {version}
          </Typography.Paragraph>
          <Timeline
            items={items.map((e) => ({
              color: e.outcome === 'ok' ? (e.action === 'record.file' ? 'green' : 'blue') : 'red',
              content: (
                <div>
                  <Typography.Text strong>{label(ACTIONS, e.action)}</Typography.Text>{' '}
                  <Typography.Text type="secondary">{e.actor}</Typography.Text>
                  {e.action === 'record.ocr_review' && (
                    <div style={{ fontSize: 12 }}>{reviewDetail(e.details, t)}</div>
                  )}
                  <div style={{ fontSize: 12, color: '#888' }}>{formatTime(e.at)}</div>
                </div>
              ),
            }))}
          />
        </>
      )}
    </AsyncView>
  );
}
