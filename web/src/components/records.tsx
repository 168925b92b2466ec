/** Pieces that show records the same way on every page. */
import { Tag } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../i18n';

export function StatusTag({ status }: { status: 'draft' | 'filed' }) {
  const { t } = useI18n();
  return status === 'filed' ? (
    <Tag color="green">{t('已归档', 'Filed')}</Tag>
  ) : (
    <Tag color="orange">{t('待归档', 'Draft')}</Tag>
  );
}

const LEVELS: Record<string, [string, string, string]> = {
  public: ['公开', 'Public', 'default'],
  internal: ['内部', 'Internal', 'blue'],
  sensitive: ['敏感', 'Sensitive', 'red'],
};

export function LevelTag({ level }: { level: string }) {
  const { t } = useI18n();
  const known = LEVELS[level];
  return <Tag color={known?.[2]}>{known ? t(known[0], known[1]) : level}</Tag>;
}

export const RETENTION: Record<string, [string, string]> = {
  Y: ['永久', 'Permanent'],
  D30: ['定期30年', '30 years'],
  D10: ['定期10年', '10 years'],
};

export function RecordLink({ id, title }: { id: string; title: string }) {
  return <Link to={`/records/${encodeURIComponent(id)}`}>{title}</Link>;
}
