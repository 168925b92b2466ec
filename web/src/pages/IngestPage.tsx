import { useI18n } from '../i18n';

export default function IngestPage() {
  const { t } = useI18n();
  return <div>{t('建设中', 'Under construction')}</div>;
}
