/** The frame: sign-in gate, side menu, header with user and language, and one lazily loaded chunk per page. */
import {
  AuditOutlined,
  ClusterOutlined,
  CloudUploadOutlined,
  FileSearchOutlined,
  KeyOutlined,
  TeamOutlined,
  UserOutlined,
  FileDoneOutlined,
  HomeOutlined,
  LogoutOutlined,
  ScanOutlined,
  SearchOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Loading } from './components/async';
import { useI18n, type Locale } from './i18n';
import { canCreate, canFile, canManage, canRead, useSession, type Role } from './session';

const LoginPage = lazy(() => import('./pages/LoginPage'));
const HomePage = lazy(() => import('./pages/HomePage'));
const SearchPage = lazy(() => import('./pages/SearchPage'));
const RecordPage = lazy(() => import('./pages/RecordPage'));
const IngestPage = lazy(() => import('./pages/IngestPage'));
const FilingPage = lazy(() => import('./pages/FilingPage'));
const OcrPage = lazy(() => import('./pages/OcrPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const ClassifyPage = lazy(() => import('./pages/ClassifyPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const KeysPage = lazy(() => import('./pages/KeysPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const AccountPage = lazy(() => import('./pages/AccountPage'));

export function App() {
  return (
    <AntApp>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
          <Gate />
        </Suspense>
      </BrowserRouter>
    </AntApp>
  );
}

function Gate() {
  const { user } = useSession();
  if (user === undefined) return <Loading />;
  if (user === null || user.mustChangePassword)
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  return (
    <Frame>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/records/:id" element={<RecordPage />} />
        <Route path="/ingest" element={<IngestPage />} />
        <Route path="/filing" element={<FilingPage />} />
        <Route path="/ocr" element={<OcrPage />} />
        <Route path="/ocr/:id" element={<OcrPage />} />
        <Route path="/admin" element={<AdminPage />} />
        <Route path="/classify" element={<ClassifyPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="/keys" element={<KeysPage />} />
        <Route path="/audit" element={<AuditPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/login" element={<Navigate to="/" replace />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Frame>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <Typography.Title level={4}>{t('页面不存在', 'Page not found')}</Typography.Title>;
}

const ROLE_NAMES: Record<Role, [string, string]> = {
  admin: ['系统管理员', 'Administrator'],
  security: ['安全保密管理员', 'Security officer'],
  auditor: ['安全审计员', 'Auditor'],
  archivist: ['档案管理员', 'Archivist'],
  officer: ['业务人员', 'Officer'],
  reader: ['查阅者', 'Reader'],
};

function Frame({ children }: { children: ReactNode }) {
  const { t, locale, setLocale } = useI18n();
  const { user, signOut, can } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const roles = user!.roles;
  const entries: (false | { key: string; icon: ReactNode; label: string })[] = [
    { key: '/', icon: <HomeOutlined />, label: t('首页', 'Home') },
    canRead(roles) && { key: '/search', icon: <SearchOutlined />, label: t('检索', 'Search') },
    canCreate(roles) && { key: '/ingest', icon: <CloudUploadOutlined />, label: t('收集上传', 'Ingest') },
    canFile(roles) && { key: '/filing', icon: <FileDoneOutlined />, label: t('整理归档', 'Filing') },
    canRead(roles) && { key: '/ocr', icon: <ScanOutlined />, label: t('OCR 校对', 'OCR review') },
    can('record.classify') && {
      key: '/classify',
      icon: <ClusterOutlined />,
      label: t('分类复核', 'Classification'),
    },
    canManage(roles) && { key: '/admin', icon: <SettingOutlined />, label: t('系统管理', 'Administration') },
    (can('user.manage') || can('access.manage')) && {
      key: '/users',
      icon: <TeamOutlined />,
      label: t('用户与权限', 'Users and access'),
    },
    can('key.manage') && { key: '/keys', icon: <KeyOutlined />, label: t('密钥管理', 'Keys') },
    can('audit.read') && { key: '/audit', icon: <FileSearchOutlined />, label: t('审计日志', 'Audit trail') },
    { key: '/account', icon: <UserOutlined />, label: t('我的账户', 'My account') },
  ];
  const items = entries.filter((x) => x !== false);
  const selected = items
    .map((i) => i.key)
    .filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={184} breakpoint="lg" collapsedWidth={56} theme="dark">
        <div style={{ color: '#fff', padding: '16px 12px', fontWeight: 600, whiteSpace: 'nowrap' }}>
          <AuditOutlined /> {t('档案工作台', 'Workbench')}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected}
          items={items}
          onClick={(e) => void navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 20px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Typography.Text strong>
            dangan {t('电子档案管理系统', 'electronic archive system')}
          </Typography.Text>
          <Space size="middle">
            <span data-testid="current-user">
              {user!.displayName}{' '}
              <Typography.Text type="secondary">({user!.organisationName})</Typography.Text>
            </span>
            {roles.map((r) => (
              <Tag key={r}>{t(...ROLE_NAMES[r])}</Tag>
            ))}
            <Segmented
              size="small"
              value={locale}
              onChange={(v) => setLocale(v as Locale)}
              options={[
                { label: '中文', value: 'zh' },
                { label: 'EN', value: 'en' },
              ]}
              aria-label={t('界面语言', 'Language')}
            />
            <Button icon={<LogoutOutlined />} onClick={() => void signOut().then(() => navigate('/'))}>
              {t('退出', 'Sign out')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 20, minWidth: 0 }}>
          <Suspense fallback={<Loading />}>{children}</Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
