/**
 * Administration: users (create with a one-time password, reset), organisations tree, fonds,
 * categories and their classification scheme, secrecy levels and the retention schedule, the search
 * dictionaries (synonyms, approval chains) and the system status. Roles, clearances and shares are
 * edited on the users and permissions page (/users).
 */
import { Card, Tabs } from 'antd';
import { AsyncView, useAsync } from '../components/async';
import { loadReference } from '../components/reference';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { Dictionaries } from './admin/Dictionaries';
import { Categories, FondsTab, Organisations, Vocabularies } from './admin/Reference';
import { Status } from './admin/Status';
import { Users } from './admin/Users';

export default function AdminPage() {
  const { t } = useI18n();
  const { has } = useSession();
  const reference = useAsync(loadReference, []);
  return (
    <Card title={t('系统管理', 'Administration')}>
      <AsyncView state={reference}>
        {(ref) => (
          <Tabs
            items={[
              ...(has('admin')
                ? [{ key: 'users', label: t('用户', 'Users'), children: <Users reference={ref} /> }]
                : []),
              {
                key: 'orgs',
                label: t('机构', 'Organisations'),
                children: <Organisations items={ref.organisations} onChange={reference.reload} />,
              },
              {
                key: 'fonds',
                label: t('全宗', 'Fonds'),
                children: <FondsTab reference={ref} onChange={reference.reload} />,
              },
              {
                key: 'categories',
                label: t('门类与分类方案', 'Categories'),
                children: <Categories items={ref.categories} />,
              },
              {
                key: 'vocab',
                label: t('密级与保管期限', 'Levels and retention'),
                children: <Vocabularies reference={ref} />,
              },
              { key: 'dictionaries', label: t('检索词典', 'Dictionaries'), children: <Dictionaries /> },
              { key: 'status', label: t('系统状态', 'System status'), children: <Status /> },
            ]}
          />
        )}
      </AsyncView>
    </Card>
  );
}
