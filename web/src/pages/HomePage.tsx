/** Home: counts, my tasks (pending filing), recent records, storage and job health. */
import { Alert, Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { RecordView, SystemStatus } from '../api/types';
import { AsyncView, EmptyState, useAsync } from '../components/async';
import { formatBytes, formatTime, JOB_STATES } from '../components/format';
import { LevelTag, RecordLink, StatusTag } from '../components/records';
import { useI18n } from '../i18n';
import { canFile, canRead, canSeeSystem, useSession } from '../session';

export default function HomePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const roles = user!.roles;
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('您好，', 'Hello, ')}
        {user!.displayName}
      </Typography.Title>
      {canRead(roles) ? (
        <RecordsOverview showTasks={canFile(roles)} />
      ) : (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            roles.includes('auditor')
              ? t(
                  '安全审计员查询与导出审计日志，不能查看档案内容（三员分立）。',
                  'The auditor searches and exports the audit trail and cannot read archive content (separation of duties).',
                )
              : roles.includes('security')
                ? t(
                    '安全保密管理员管理密级许可、跨机构授权与密钥，不能查看档案内容（三员分立）。',
                    'The security officer manages clearances, shares and keys and cannot read archive content (separation of duties).',
                  )
                : t(
                    '系统管理员管理账号、机构与配置，不能查看档案内容（三员分立）。',
                    'The system administrator manages accounts, organisations and settings and cannot read archive content (separation of duties).',
                  )
          }
        />
      )}
      {canSeeSystem(roles) && <Health />}
    </div>
  );
}

function RecordsOverview({ showTasks }: { showTasks: boolean }) {
  const { t } = useI18n();
  // One request: the newest records, and how many the user may see, drafts and filed among them.
  const state = useAsync(async () => {
    const recent = await call(api.GET('/api/v1/records', { params: { query: { limit: 8 } } }));
    return { recent, drafts: recent.byStatus.draft, filed: recent.byStatus.filed };
  }, []);
  return (
    <AsyncView state={state}>
      {({ recent, drafts, filed }) => (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={6}>
              <Card>
                <Statistic title={t('我可查看的档案', 'Records I can see')} value={recent.total} />
              </Card>
            </Col>
            <Col span={6}>
              <Card>
                <Statistic title={t('已归档', 'Filed')} value={filed} />
              </Card>
            </Col>
            <Col span={6}>
              <Card>
                <Statistic title={t('待归档', 'Waiting to be filed')} value={drafts} />
                {showTasks && drafts > 0 && <Link to="/filing">{t('去整理归档 →', 'Go to filing →')}</Link>}
              </Card>
            </Col>
            <Col span={6}>
              <Card>
                <Statistic title={t('我的待办', 'My tasks')} value={showTasks ? drafts : 0} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('审批待办将随流转功能提供', 'Review tasks arrive with routing')}
                </Typography.Text>
              </Card>
            </Col>
          </Row>
          <Card title={t('最近的档案', 'Recent records')} style={{ marginBottom: 16 }}>
            <Table<RecordView>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={recent.items}
              locale={{
                emptyText: (
                  <EmptyState>
                    {t('还没有档案。', 'No records yet.')}{' '}
                    <Link to="/ingest">{t('上传文件', 'Upload files')}</Link>
                  </EmptyState>
                ),
              }}
              columns={[
                {
                  title: t('题名', 'Title'),
                  dataIndex: 'title',
                  ellipsis: true,
                  render: (_v, r) => <RecordLink id={r.id} title={r.title} />,
                },
                {
                  title: t('档号', 'Archive no.'),
                  dataIndex: 'archiveNo',
                  width: 220,
                  render: (v) => v ?? '—',
                },
                {
                  title: t('状态', 'Status'),
                  dataIndex: 'status',
                  width: 90,
                  render: (v) => <StatusTag status={v} />,
                },
                {
                  title: t('密级', 'Level'),
                  dataIndex: 'level',
                  width: 80,
                  render: (v) => <LevelTag level={v} />,
                },
                { title: t('上传时间', 'Created'), dataIndex: 'createdAt', width: 150, render: formatTime },
              ]}
            />
          </Card>
        </>
      )}
    </AsyncView>
  );
}

function Health() {
  const { t } = useI18n();
  const state = useAsync(() => call(api.GET('/api/v1/system/status')), []);
  return (
    <Card title={t('存储与任务', 'Storage and jobs')}>
      <AsyncView state={state}>
        {(s: SystemStatus) => (
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title={t('文件', 'Files')} value={s.blobs.count} />
            </Col>
            <Col span={6}>
              <Statistic
                title={t('原始大小 / 存储大小', 'Size / stored')}
                value={`${formatBytes(s.blobs.bytes)} / ${formatBytes(s.blobs.storedBytes)}`}
              />
            </Col>
            <Col span={6}>
              <Typography.Text type="secondary">{t('数据库', 'Database')}</Typography.Text>
              <div>{s.database === 'pglite' ? t('内嵌 PGlite', 'embedded PGlite') : 'PostgreSQL'}</div>
              <Typography.Text type="secondary">
                {t('存储卷', 'Volumes')}: {s.volumes.length}
              </Typography.Text>
            </Col>
            <Col span={6}>
              <Typography.Text type="secondary">{t('后台任务', 'Background jobs')}</Typography.Text>
              <div>
                {Object.keys(s.jobs).length === 0
                  ? t('无', 'none')
                  : Object.entries(s.jobs).map(([k, n]) => {
                      const known = JOB_STATES[k];
                      return (
                        <Tag key={k} color={known?.[2]}>
                          {known ? t(known[0], known[1]) : k} {n}
                        </Tag>
                      );
                    })}
              </div>
              {(s.jobs.failed ?? 0) > 0 && (
                <Typography.Text type="danger">
                  {t('有失败的任务，请查看日志', 'Some jobs failed: see the log')}
                </Typography.Text>
              )}
            </Col>
          </Row>
        )}
      </AsyncView>
    </Card>
  );
}
