/**
 * Ingest: drop files or whole folders, give the batch its metadata (fonds, category, secrecy level,
 * retention, year, the category's own fields), and watch each file: progress bar, then its record,
 * its duplicate, or the server's error message.
 */
import { InboxOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Progress,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { toApiError, uploadFile } from '../api/client';
import { AsyncView, useAsync } from '../components/async';
import { formatBytes } from '../components/format';
import { loadReference, type Reference } from '../components/reference';
import { tr, useI18n } from '../i18n';
import { canFile, useSession } from '../session';

interface Item {
  uid: string;
  file: File;
  name: string;
  percent: number;
  state: 'waiting' | 'uploading' | 'created' | 'duplicate' | 'failed';
  recordId?: string;
  archiveNo?: string | null;
  message?: string;
}

interface Batch {
  fonds?: string;
  category?: string;
  level?: string;
  retention?: string;
  year?: number;
  organisation?: string;
  keywords?: string[];
  extra?: Record<string, string | undefined>;
  fileNow?: boolean;
}

export default function IngestPage() {
  const state = useAsync(loadReference, []);
  return <AsyncView state={state}>{(ref) => <Ingest reference={ref} />}</AsyncView>;
}

function Ingest({ reference }: { reference: Reference }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [form] = Form.useForm<Batch>();
  const [items, setItems] = useState<Item[]>([]);
  const [folders, setFolders] = useState(false);
  const [running, setRunning] = useState(false);
  const category = Form.useWatch('category', form);
  const categoryFields = reference.categories.find((c) => c.code === category)?.extraFields ?? [];
  const queue = useRef<Item[]>([]);

  const patch = (uid: string, change: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.uid === uid ? { ...i, ...change } : i)));

  const add = (file: File) => {
    const item: Item = {
      uid: `${Date.now()}-${Math.random()}`,
      file,
      // A file picked with its folder keeps the folder path in its name, which tells files apart.
      name: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name,
      percent: 0,
      state: 'waiting',
    };
    queue.current.push(item);
    setItems((list) => [...list, item]);
  };

  const start = async () => {
    const batch = await form.validateFields();
    const metadata: Record<string, unknown> = {};
    for (const key of ['fonds', 'category', 'level', 'retention', 'year', 'organisation'] as const)
      if (batch[key] !== undefined && batch[key] !== null && batch[key] !== '') metadata[key] = batch[key];
    if (batch.keywords?.length) metadata.keywords = batch.keywords;
    const extra = Object.fromEntries(Object.entries(batch.extra ?? {}).filter(([, v]) => v));
    if (Object.keys(extra).length) metadata.extra = extra;
    setRunning(true);
    const waiting = items.filter((i) => i.state === 'waiting' || i.state === 'failed');
    // Two uploads at a time: a folder of scans goes faster, and the server is not flooded.
    let next = 0;
    const worker = async () => {
      while (next < waiting.length) {
        const item = waiting[next++]!;
        patch(item.uid, { state: 'uploading', percent: 0, message: undefined });
        try {
          const { status, body } = await uploadFile(item.file, metadata, {
            fileNow: Boolean(batch.fileNow),
            onProgress: (percent) => patch(item.uid, { percent }),
          });
          const reply = body as {
            status?: string;
            recordId?: string;
            archiveNo?: string | null;
            existing?: { id: string; archiveNo: string | null; title: string };
            filingError?: { message: string };
          };
          if (status === 201)
            patch(item.uid, {
              state: 'created',
              percent: 100,
              recordId: reply.recordId,
              archiveNo: reply.archiveNo,
              message: reply.filingError?.message,
            });
          else if (status === 200 && reply.existing)
            patch(item.uid, {
              state: 'duplicate',
              percent: 100,
              recordId: reply.existing.id,
              archiveNo: reply.existing.archiveNo,
              message: tr(
                `与已有档案“${reply.existing.title}”相同，未重复保存`,
                `Same as “${reply.existing.title}”; not stored twice`,
              ),
            });
          else patch(item.uid, { state: 'failed', message: toApiError(status, body).message });
        } catch (e) {
          patch(item.uid, { state: 'failed', message: (e as Error).message });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    setRunning(false);
  };

  const counts = {
    created: items.filter((i) => i.state === 'created').length,
    duplicate: items.filter((i) => i.state === 'duplicate').length,
    failed: items.filter((i) => i.state === 'failed').length,
  };
  const level = reference.vocabularies.secrecyLevels;

  return (
    <Row gutter={16} wrap={false}>
      <Col flex="360px">
        <Card size="small" title={t('本批著录项', 'Batch metadata')}>
          <Form<Batch>
            form={form}
            layout="vertical"
            size="small"
            initialValues={{
              fonds: reference.fonds[0]?.code,
              category: 'WS',
              level: level.find((l) => l.code === 'internal')?.code ?? level[0]?.code,
            }}
          >
            <Form.Item name="fonds" label={t('全宗', 'Fonds')} rules={[{ required: true }]}>
              <Select
                options={reference.fonds.map((f) => ({ value: f.code, label: `${f.code} ${f.name}` }))}
              />
            </Form.Item>
            <Form.Item name="category" label={t('门类', 'Category')} rules={[{ required: true }]}>
              <Select
                options={reference.categories.map((c) => ({
                  value: c.code,
                  label: `${c.code} ${t(c.nameZh, c.nameEn)}`,
                }))}
              />
            </Form.Item>
            <Form.Item name="level" label={t('密级', 'Secrecy level')} rules={[{ required: true }]}>
              <Select options={level.map((l) => ({ value: l.code, label: t(l.zh, l.en) }))} />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="retention" label={t('保管期限', 'Retention')} style={{ width: '55%' }}>
                <Select
                  allowClear
                  options={reference.vocabularies.retentionPeriods.map((r) => ({
                    value: r.code,
                    label: t(r.zh, r.en),
                  }))}
                />
              </Form.Item>
              <Form.Item name="year" label={t('年度', 'Year')} style={{ width: '45%' }}>
                <InputNumber min={1000} max={9999} style={{ width: '100%' }} />
              </Form.Item>
            </Space.Compact>
            <Form.Item name="organisation" label={t('机构（问题）', 'Organisation')}>
              <Select
                allowClear
                options={reference.organisations.map((o) => ({
                  value: o.code,
                  label: `${o.code} ${o.name}`,
                }))}
              />
            </Form.Item>
            <Form.Item name="keywords" label={t('关键词', 'Keywords')}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
            </Form.Item>
            {categoryFields.map((f) => (
              <Form.Item
                key={f.name}
                name={['extra', f.name]}
                label={t(f.zh, f.en)}
                rules={[{ required: f.required }]}
              >
                <Input />
              </Form.Item>
            ))}
            {user && canFile(user.roles) && (
              <Form.Item name="fileNow" valuePropName="checked" style={{ marginBottom: 0 }}>
                <Checkbox>
                  {t('上传后立即归档（需年度和保管期限）', 'File at once (needs year and retention)')}
                </Checkbox>
              </Form.Item>
            )}
          </Form>
        </Card>
      </Col>
      <Col flex="auto" style={{ minWidth: 0 }}>
        <Card
          size="small"
          title={t('文件', 'Files')}
          extra={
            <Space>
              <span>{t('选择文件夹', 'Pick folders')}</span>
              <Switch
                size="small"
                checked={folders}
                onChange={setFolders}
                aria-label={t('选择文件夹', 'Pick folders')}
              />
            </Space>
          }
        >
          <Upload.Dragger
            multiple
            directory={folders}
            showUploadList={false}
            beforeUpload={(file) => {
              add(file);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">
              {folders
                ? t('点击选择文件夹，或把文件夹拖到这里', 'Click to pick a folder, or drop folders here')
                : t('点击选择文件，或把文件拖到这里', 'Click to pick files, or drop them here')}
            </p>
            <p className="ant-upload-hint">
              {t(
                '支持 PDF、OFD、TIFF、JPEG、PNG、DOCX、XLSX、TXT、MD；类型按内容判定。',
                'PDF, OFD, TIFF, JPEG, PNG, DOCX, XLSX, TXT, MD; the type is read from the content.',
              )}
            </p>
          </Upload.Dragger>
          <Space style={{ margin: '12px 0', justifyContent: 'space-between', width: '100%' }}>
            <Typography.Text>
              {t(`共 ${items.length} 个文件`, `${items.length} files`)}
              {items.length > 0 &&
                t(
                  `：成功 ${counts.created}，重复 ${counts.duplicate}，失败 ${counts.failed}`,
                  `: ${counts.created} stored, ${counts.duplicate} duplicates, ${counts.failed} refused`,
                )}
            </Typography.Text>
            <Space>
              <Button
                onClick={() => setItems((l) => l.filter((i) => i.state === 'uploading'))}
                disabled={running || items.length === 0}
              >
                {t('清空列表', 'Clear')}
              </Button>
              <Button
                type="primary"
                onClick={() => void start()}
                loading={running}
                disabled={!items.some((i) => i.state === 'waiting' || i.state === 'failed')}
              >
                {t('开始上传', 'Upload')}
              </Button>
            </Space>
          </Space>
          <Table<Item>
            size="small"
            rowKey="uid"
            dataSource={items}
            pagination={items.length > 50 ? { pageSize: 50 } : false}
            locale={{ emptyText: t('还没有选择文件', 'No files chosen yet') }}
            columns={[
              { title: t('文件', 'File'), dataIndex: 'name', ellipsis: true },
              { title: t('大小', 'Size'), width: 90, render: (_v, i) => formatBytes(i.file.size) },
              {
                title: t('进度', 'Progress'),
                width: 140,
                render: (_v, i) => (
                  <Progress
                    percent={i.percent}
                    size="small"
                    status={
                      i.state === 'failed' ? 'exception' : i.state === 'uploading' ? 'active' : undefined
                    }
                  />
                ),
              },
              {
                title: t('结果', 'Result'),
                width: 300,
                render: (_v, i) => <ItemResult item={i} />,
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

function ItemResult({ item }: { item: Item }) {
  const { t } = useI18n();
  switch (item.state) {
    case 'waiting':
      return <Tag>{t('待上传', 'Waiting')}</Tag>;
    case 'uploading':
      return <Tag color="processing">{t('上传中', 'Uploading')}</Tag>;
    case 'created':
      return (
        <Space size={4} wrap data-testid="ingest-result">
          <Tag color="green">{t('已入库', 'Stored')}</Tag>
          <Link to={`/records/${item.recordId}`}>{item.archiveNo ?? t('查看档案', 'Open record')}</Link>
          {item.message && <Typography.Text type="warning">{item.message}</Typography.Text>}
        </Space>
      );
    case 'duplicate':
      return (
        <Space size={4} wrap>
          <Tag color="gold">{t('重复', 'Duplicate')}</Tag>
          <Link to={`/records/${item.recordId}`}>{item.message}</Link>
        </Space>
      );
    case 'failed':
      return (
        <Space size={4} wrap>
          <Tag color="red">{t('被拒绝', 'Refused')}</Tag>
          <Typography.Text type="danger">{item.message}</Typography.Text>
        </Space>
      );
  }
}
