/**
 * Administration → system status: database, records, storage, volumes, jobs and the search index,
 * with the index's rebuild (an administrator starts it; searches answer meanwhile).
 */
import { App, Button, Descriptions, Popconfirm, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { formatBytes, JOB_STATES } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

export function Status() {
  const { t } = useI18n();
  const state = useAsync(() => call(api.GET('/api/v1/system/status')), []);
  return (
    <AsyncView state={state}>
      {(s) => (
        <>
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('数据库', 'Database')}>{s.database}</Descriptions.Item>
            <Descriptions.Item label={t('档案', 'Records')}>
              {t(
                `待归档 ${s.records.draft}，已归档 ${s.records.filed}`,
                `${s.records.draft} draft, ${s.records.filed} filed`,
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('文件', 'Blobs')}>
              {s.blobs.count} · {formatBytes(s.blobs.bytes)} → {formatBytes(s.blobs.storedBytes)}
            </Descriptions.Item>
            <Descriptions.Item label={t('任务', 'Jobs')}>
              {Object.entries(s.jobs)
                .map(([k, n]) => {
                  const known = JOB_STATES[k];
                  return `${known ? t(known[0], known[1]) : k} ${n}`;
                })
                .join(t('，', ', ')) || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('检索索引', 'Search index')} span={2}>
              <span data-testid="index-health">
                {s.search.pending === 0
                  ? t('已同步', 'Up to date')
                  : t(`${s.search.pending} 件待同步`, `${s.search.pending} records waiting`)}
                {s.search.oldestPendingSeconds !== null &&
                  t(
                    `（已等待 ${s.search.oldestPendingSeconds} 秒）`,
                    ` (waiting ${s.search.oldestPendingSeconds} s)`,
                  )}
                {' · '}
                {formatBytes(s.search.indexBytes)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('存储卷', 'Volumes')} span={2}>
              {s.volumes.map((v) => (
                <div key={v}>
                  <code>{v}</code>
                </div>
              ))}
            </Descriptions.Item>
          </Descriptions>
          <IndexRebuild />
        </>
      )}
    </AsyncView>
  );
}

/** The search index's rebuild: its progress or last result, and the button for administrators. */
function IndexRebuild() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const state = useAsync(() => call(api.GET('/api/v1/search/rebuild')), []);
  const [starting, setStarting] = useState(false);
  const running = state.data?.running ?? false;
  const { reload } = state;
  // While it runs, its progress is read again every two seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [running, reload]);
  const start = async () => {
    setStarting(true);
    try {
      await call(api.POST('/api/v1/search/rebuild'));
      void message.success(t('已开始重建检索索引', 'The search index rebuild has started'));
      reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setStarting(false);
    }
  };
  const s = state.data;
  const last = s?.last;
  return (
    <Space direction="vertical" style={{ marginTop: 16 }} data-testid="index-rebuild">
      <Typography.Text>
        {s?.running
          ? t(
              `检索索引重建中：已读入 ${s.records} 件（${s.startedAt ?? ''} 开始），期间检索照常。`,
              `Rebuilding the search index: ${s.records} records read (since ${s.startedAt ?? ''}); searches answer meanwhile.`,
            )
          : last
            ? last.error
              ? t(`上次重建失败：${last.error}`, `The last rebuild failed: ${last.error}`)
              : t(
                  `上次重建：${last.finishedAt}，${last.records} 件，用时 ${Math.round(last.ms / 1000)} 秒，期间变更 ${last.replayed} 件已补入。`,
                  `Last rebuild: ${last.finishedAt}, ${last.records} records in ${Math.round(last.ms / 1000)} s, ${last.replayed} changed meanwhile indexed again.`,
                )
            : t('本次启动以来未重建检索索引。', 'No rebuild of the search index since the server started.')}
      </Typography.Text>
      {can('system.manage') && (
        <Popconfirm
          title={t(
            '由数据库重建检索索引？重建在后台进行，期间检索照常。',
            'Rebuild the search index from the database? It runs in the background; searches answer meanwhile.',
          )}
          onConfirm={() => void start()}
        >
          <Button loading={starting} disabled={running}>
            {t('重建检索索引', 'Rebuild the search index')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
