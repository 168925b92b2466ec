/**
 * Classification (分类): the review queue of suggestions below the confidence threshold, and the
 * model versions with their evaluation figures, retraining and activation (rollback). Archivists.
 */
import { ExperimentOutlined, RollbackOutlined } from '@ant-design/icons';
import { App, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { ModelVersion, SuggestionView } from '../api/types';
import { EmptyState, ErrorState, useAsync } from '../components/async';
import { formatBytes, formatTime } from '../components/format';
import { RecordLink } from '../components/records';
import { Confidence, SuggestionStatus } from '../components/Suggestions';
import { useI18n } from '../i18n';
import { useSession } from '../session';

const PAGE = 20;

export default function ClassifyPage() {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <Card title={t('分类复核与模型', 'Classification review and models')}>
      <Tabs
        items={[
          { key: 'review', label: t('复核队列', 'Review queue'), children: <ReviewQueue /> },
          ...(can('record.classify')
            ? [{ key: 'models', label: t('模型版本', 'Model versions'), children: <Models /> }]
            : []),
        ]}
      />
    </Card>
  );
}

function ReviewQueue() {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const queue = useAsync(
    () => call(api.GET('/api/v1/classify/review', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );
  if (queue.error) return <ErrorState error={queue.error} onRetry={queue.reload} />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t(
          '置信度低于阈值的分类建议在此等待复核；在“整理归档”中打开档案的著录对话框确认或更正。',
          'Suggestions below the confidence threshold wait here; confirm or correct them in the describe dialog of Filing.',
        )}
      </Typography.Paragraph>
      <Table<SuggestionView>
        size="small"
        rowKey="recordId"
        loading={queue.loading}
        dataSource={queue.data?.items ?? []}
        locale={{ emptyText: <EmptyState>{t('没有待复核的建议', 'Nothing to review')}</EmptyState> }}
        pagination={{
          current: offset / PAGE + 1,
          pageSize: PAGE,
          total: queue.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (p) => setOffset((p - 1) * PAGE),
          showTotal: (n) => t(`共 ${n} 条`, `${n} in all`),
        }}
        columns={[
          {
            title: t('题名', 'Title'),
            ellipsis: true,
            render: (_v, r) => <RecordLink id={r.recordId} title={r.title} />,
          },
          { title: t('建议分类', 'Suggested class'), dataIndex: 'label', width: 120 },
          {
            title: t('置信度', 'Confidence'),
            dataIndex: 'confidence',
            width: 130,
            render: (c: number | null) => <Confidence value={c} />,
          },
          {
            title: t('备选', 'Alternatives'),
            width: 220,
            render: (_v, r) =>
              r.top
                .filter((x) => x.label !== r.label)
                .slice(0, 3)
                .map((x) => (
                  <Tag key={x.label}>
                    {x.label} {Math.round(x.confidence * 100)}%
                  </Tag>
                )),
          },
          { title: t('年度', 'Year'), dataIndex: 'year', width: 64, render: (v) => v ?? '—' },
          {
            title: t('状态', 'Status'),
            dataIndex: 'status',
            width: 90,
            render: (v: SuggestionView['status']) => <SuggestionStatus status={v} />,
          },
          { title: t('模型', 'Model'), dataIndex: 'modelVersion', width: 60, render: (v) => v ?? '—' },
        ]}
      />
    </>
  );
}

function Models() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const models = useAsync(() => call(api.GET('/api/v1/classify/models')), []);
  const [busy, setBusy] = useState<string | null>(null);
  const train = async () => {
    setBusy('train');
    try {
      const job = await call(api.POST('/api/v1/classify/train'));
      void message.success(
        t(
          `已开始重新训练（任务 ${job.jobId}），完成后出现新版本`,
          `Retraining started (job ${job.jobId}); a new version appears when done`,
        ),
      );
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const activate = async (version: number) => {
    setBusy(String(version));
    try {
      await call(api.POST('/api/v1/classify/models/{version}/activate', { params: { path: { version } } }));
      void message.success(t(`已启用第 ${version} 版`, `Version ${version} is active`));
      models.reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  if (models.error) return <ErrorState error={models.error} onRetry={models.reload} />;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button
          type="primary"
          icon={<ExperimentOutlined />}
          loading={busy === 'train'}
          onClick={() => void train()}
        >
          {t('重新训练', 'Retrain')}
        </Button>
        <Button onClick={models.reload}>{t('刷新', 'Refresh')}</Button>
        <Typography.Text type="secondary">
          {t(
            '用已复核的分类作为训练样本，在后台训练；新版本训练完成后自动启用。',
            'Trains on reviewed classes in the background; the new version becomes active when done.',
          )}
        </Typography.Text>
      </Space>
      <Table<ModelVersion>
        size="small"
        rowKey="version"
        loading={models.loading}
        dataSource={models.data ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState>{t('还没有训练过模型', 'No model trained yet')}</EmptyState> }}
        columns={[
          {
            title: t('版本', 'Version'),
            dataIndex: 'version',
            width: 80,
            render: (v: number, m) => (
              <Space size={4}>
                {v}
                {m.active && <Tag color="green">{t('在用', 'Active')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('准确率', 'Accuracy'),
            width: 90,
            render: (_v, m) => (m.eval ? `${(m.eval.accuracy * 100).toFixed(1)}%` : '—'),
          },
          {
            title: t('宏平均 F1', 'Macro F1'),
            width: 90,
            render: (_v, m) => (m.eval ? m.eval.macroF1.toFixed(3) : '—'),
          },
          {
            title: t('评估样本', 'Eval size'),
            width: 90,
            render: (_v, m) => m.eval?.size ?? '—',
          },
          { title: t('训练样本', 'Training size'), dataIndex: 'trainingSize', width: 90 },
          {
            title: t('类目', 'Classes'),
            dataIndex: 'labels',
            ellipsis: true,
            render: (l: string[]) => l.join('、'),
          },
          { title: t('大小', 'Size'), dataIndex: 'bytes', width: 90, render: (b: number) => formatBytes(b) },
          {
            title: t('训练时间', 'Trained'),
            dataIndex: 'createdAt',
            width: 160,
            render: (v: string) => formatTime(v),
          },
          { title: t('训练人', 'By'), dataIndex: 'createdBy', width: 120, ellipsis: true },
          {
            title: t('操作', 'Actions'),
            width: 110,
            render: (_v, m) =>
              m.active ? null : (
                <Button
                  size="small"
                  icon={<RollbackOutlined />}
                  loading={busy === String(m.version)}
                  onClick={() => void activate(m.version)}
                >
                  {t('启用', 'Activate')}
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}
