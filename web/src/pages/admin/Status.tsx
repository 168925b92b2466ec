/** Administration → system status: database, records, storage, volumes, jobs and the search index. */
import { Descriptions } from 'antd';
import { api, call } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { formatBytes } from '../../components/format';
import { useI18n } from '../../i18n';

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
                .map(([k, n]) => `${k} ${n}`)
                .join('，') || '—'}
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
        </>
      )}
    </AsyncView>
  );
}
