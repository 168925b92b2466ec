/** Related records of one record: where it stands in its approval chain, and the linked records as a timeline. */
import { Alert, Steps, Tag, Timeline, Typography } from 'antd';
import { api, call } from '../api/client';
import type { RelatedView } from '../api/types';
import { AsyncView, EmptyState, useAsync } from './async';
import { RecordLink } from './records';
import { useI18n } from '../i18n';

export function RelatedPanel({ id }: { id: string }) {
  const { t } = useI18n();
  const state = useAsync(
    () => call(api.GET('/api/v1/records/{id}/related', { params: { path: { id } } })),
    [id],
  );
  const direction = (d: RelatedView['related'][number]['direction']) =>
    d === 'upstream'
      ? { color: 'blue', label: t('上游', 'Upstream') }
      : d === 'downstream'
        ? { color: 'green', label: t('下游', 'Downstream') }
        : d === 'same-step'
          ? { color: 'gold', label: t('同一环节', 'Same step') }
          : { color: 'default', label: t('关联', 'Linked') };
  return (
    <AsyncView state={state}>
      {(view) => (
        <div data-testid="related-panel">
          <Typography.Paragraph>
            <Typography.Text strong>{view.record.title}</Typography.Text>{' '}
            {view.record.archiveNo && <Tag>{view.record.archiveNo}</Tag>}
          </Typography.Paragraph>
          {view.chain ? (
            <>
              <Typography.Title level={5}>
                {t('审批链：', 'Approval chain: ')}
                {view.chain.name}
              </Typography.Title>
              <Steps
                orientation="vertical"
                size="small"
                current={Math.max(0, view.chain.steps.indexOf(view.record.step ?? ''))}
                items={view.chain.steps.map((s) => {
                  const here = view.related.filter((r) => r.step === s);
                  return {
                    title: s,
                    content:
                      s === view.record.step
                        ? t('← 本档案', '← this record')
                        : here.length > 0
                          ? here.map((r) => r.title).join('；')
                          : t('无已知档案', 'no known record'),
                  };
                })}
              />
            </>
          ) : (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('本档案不在已知的审批链中', 'This record is not part of a known approval chain')}
            />
          )}
          <Typography.Title level={5}>{t('关联档案', 'Related records')}</Typography.Title>
          {view.related.length === 0 ? (
            <EmptyState>
              {t(
                '没有关联档案（按项目代码、统一社会信用代码、申请人或办件编号关联）。',
                'No related records (linked by project code, credit code, applicant or case number).',
              )}
            </EmptyState>
          ) : (
            <Timeline
              items={view.related.map((r) => {
                const d = direction(r.direction);
                return {
                  color: d.color === 'default' ? 'gray' : d.color,
                  content: (
                    <div>
                      <RecordLink id={r.id} title={r.title} />
                      <div>
                        <Tag color={d.color}>{d.label}</Tag>
                        {r.step && <Tag>{r.step}</Tag>}
                        {r.linkNames.map((n) => (
                          <Tag key={n}>{n}</Tag>
                        ))}
                      </div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {r.archiveNo ?? t('未归档', 'not filed')} · {r.formedOn ?? '—'}
                      </Typography.Text>
                    </div>
                  ),
                };
              })}
            />
          )}
        </div>
      )}
    </AsyncView>
  );
}
