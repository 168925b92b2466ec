/**
 * Users and access (用户与权限) for the 三员: the system administrator edits roles, organisation and
 * disables/enables accounts; the security officer sets clearances and grants cross-organisation
 * shares; both see and revoke a user's sessions. Each control shows only when the session's
 * `actions` allow it; the server decides (separation of duties, no self-grants).
 */
import { StopOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { PublicUser, SessionView, Share } from '../api/types';
import { EmptyState, ErrorState, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { loadReference, type Reference } from '../components/reference';
import { useI18n } from '../i18n';
import { useSession, type Role } from '../session';

export const ROLE_OPTIONS: [Role, string, string][] = [
  ['admin', '系统管理员', 'Administrator'],
  ['security', '安全保密管理员', 'Security officer'],
  ['auditor', '安全审计员', 'Auditor'],
  ['archivist', '档案管理员', 'Archivist'],
  ['officer', '业务人员', 'Officer'],
  ['reader', '查阅者', 'Reader'],
];

export default function UsersPage() {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <Card title={t('用户与权限', 'Users and access')}>
      <Tabs
        items={[
          { key: 'users', label: t('用户', 'Users'), children: <Users /> },
          ...(can('access.manage')
            ? [{ key: 'shares', label: t('跨机构授权', 'Shares'), children: <Shares /> }]
            : []),
        ]}
      />
    </Card>
  );
}

function Users() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can, user: me } = useSession();
  const users = useAsync(() => call(api.GET('/api/v1/users')), []);
  const reference = useAsync(loadReference, []);
  const [sessionsOf, setSessionsOf] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const manage = can('user.manage');
  const access = can('access.manage');
  const run = async (key: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await action();
      void message.success(done);
      users.reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const ref: Reference | undefined = reference.data;
  const orgName = (id: string) => {
    const o = ref?.organisations.find((x) => x.id === id);
    return o ? `${o.code} ${o.name}` : id;
  };
  if (users.error) return <ErrorState error={users.error} onRetry={users.reload} />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t(
          '三员角色（系统管理员、安全保密管理员、安全审计员）不能与其他角色兼任；任何人不能修改自己的权限。',
          'The three duty roles cannot be combined with any other role; nobody changes their own rights.',
        )}
      </Typography.Paragraph>
      <Table<PublicUser>
        size="small"
        rowKey="id"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <EmptyState>{t('没有用户', 'No users')}</EmptyState> }}
        columns={[
          {
            title: t('用户', 'User'),
            width: 150,
            render: (_v, u) => (
              <span>
                {u.displayName} <Typography.Text type="secondary">{u.username}</Typography.Text>
              </span>
            ),
          },
          {
            title: t('角色', 'Roles'),
            render: (_v, u) =>
              manage && u.id !== me?.id ? (
                <Select<Role[]>
                  mode="multiple"
                  size="small"
                  style={{ minWidth: 200, maxWidth: 300 }}
                  value={u.roles}
                  aria-label={t(`${u.username} 的角色`, `Roles of ${u.username}`)}
                  disabled={busy === u.username + ':roles'}
                  options={ROLE_OPTIONS.map(([v, zh, en]) => ({ value: v, label: t(zh, en) }))}
                  onChange={(roles) =>
                    void run(
                      u.username + ':roles',
                      () =>
                        call(
                          api.PUT('/api/v1/users/{username}/roles', {
                            params: { path: { username: u.username } },
                            body: { roles },
                          }),
                        ),
                      t('角色已更新', 'Roles updated'),
                    )
                  }
                />
              ) : (
                u.roles.map((r) => {
                  const o = ROLE_OPTIONS.find((x) => x[0] === r)!;
                  return <Tag key={r}>{t(o[1], o[2])}</Tag>;
                })
              ),
          },
          {
            title: t('密级许可', 'Clearance'),
            width: 120,
            render: (_v, u) =>
              access && u.id !== me?.id && ref ? (
                <Select
                  size="small"
                  style={{ width: 100 }}
                  value={u.clearance}
                  aria-label={t(`${u.username} 的密级许可`, `Clearance of ${u.username}`)}
                  options={ref.vocabularies.secrecyLevels.map((l) => ({
                    value: l.code,
                    label: t(l.zh, l.en),
                  }))}
                  onChange={(clearance) =>
                    void run(
                      u.username + ':clearance',
                      () =>
                        call(
                          api.PUT('/api/v1/users/{username}/clearance', {
                            params: { path: { username: u.username } },
                            body: { clearance },
                          }),
                        ),
                      t('密级许可已更新', 'Clearance updated'),
                    )
                  }
                />
              ) : (
                (ref?.vocabularies.secrecyLevels.find((l) => l.code === u.clearance)?.zh ?? u.clearance)
              ),
          },
          {
            title: t('所属机构', 'Organisation'),
            width: 170,
            render: (_v, u) =>
              manage && u.id !== me?.id && ref ? (
                <Select
                  size="small"
                  style={{ width: 160 }}
                  value={ref.organisations.find((o) => o.id === u.organisationId)?.code ?? u.organisationId}
                  aria-label={t(`${u.username} 的所属机构`, `Organisation of ${u.username}`)}
                  options={ref.organisations.map((o) => ({ value: o.code, label: `${o.code} ${o.name}` }))}
                  onChange={(organisation) =>
                    void run(
                      u.username + ':org',
                      () =>
                        call(
                          api.PUT('/api/v1/users/{username}/organisation', {
                            params: { path: { username: u.username } },
                            body: { organisation },
                          }),
                        ),
                      t('所属机构已更新', 'Organisation updated'),
                    )
                  }
                />
              ) : (
                orgName(u.organisationId)
              ),
          },
          {
            title: t('启用', 'Enabled'),
            width: 70,
            render: (_v, u) =>
              manage && u.id !== me?.id ? (
                <Switch
                  size="small"
                  checked={!u.disabled}
                  loading={busy === u.username + ':disabled'}
                  aria-label={t(`启用 ${u.username}`, `Enable ${u.username}`)}
                  onChange={(on) =>
                    void run(
                      u.username + ':disabled',
                      () =>
                        call(
                          api.PUT('/api/v1/users/{username}/disabled', {
                            params: { path: { username: u.username } },
                            body: { disabled: !on },
                          }),
                        ),
                      on ? t('已启用', 'Enabled') : t('已停用，会话已注销', 'Disabled, sessions revoked'),
                    )
                  }
                />
              ) : u.disabled ? (
                <Tag color="red">{t('停用', 'Disabled')}</Tag>
              ) : (
                <Tag color="green">{t('启用', 'Enabled')}</Tag>
              ),
          },
          {
            title: t('动态口令', 'TOTP'),
            width: 80,
            render: (_v, u) => (u.totpEnabled ? <Tag color="blue">{t('已启用', 'On')}</Tag> : '—'),
          },
          {
            title: t('最近登录', 'Last sign-in'),
            dataIndex: 'lastLoginAt',
            width: 150,
            render: (v: string | null) => (v ? formatTime(v) : '—'),
          },
          {
            title: t('会话', 'Sessions'),
            width: 80,
            render: (_v, u) => (
              <Button size="small" onClick={() => setSessionsOf(u.username)}>
                {t('查看', 'View')}
              </Button>
            ),
          },
        ]}
      />
      {sessionsOf && <UserSessions username={sessionsOf} onClose={() => setSessionsOf(null)} />}
    </>
  );
}

function UserSessions({ username, onClose }: { username: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const sessions = useAsync(
    () => call(api.GET('/api/v1/users/{username}/sessions', { params: { path: { username } } })),
    [username],
  );
  const revoke = async (id: string) => {
    try {
      const r = await call(
        api.DELETE('/api/v1/users/{username}/sessions/{id}', { params: { path: { username, id } } }),
      );
      void message.success(t(`已注销 ${r.revoked} 个`, `${r.revoked} revoked`));
      sessions.reload();
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Drawer
      open
      width={720}
      title={t(`${username} 的会话与令牌`, `Sessions of ${username}`)}
      onClose={onClose}
    >
      {sessions.error ? (
        <ErrorState error={sessions.error} onRetry={sessions.reload} />
      ) : (
        <>
          <Popconfirm
            title={t('注销该用户的全部会话和令牌？', 'Revoke all sessions and tokens of this user?')}
            onConfirm={() => void revoke('all')}
          >
            <Button danger icon={<StopOutlined />} style={{ marginBottom: 12 }}>
              {t('全部注销', 'Revoke all')}
            </Button>
          </Popconfirm>
          <SessionTable items={sessions.data?.items} loading={sessions.loading} onRevoke={revoke} />
        </>
      )}
    </Drawer>
  );
}

export function SessionTable({
  items,
  loading,
  onRevoke,
}: {
  items: SessionView[] | undefined;
  loading: boolean;
  onRevoke: (id: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Table<SessionView>
      size="small"
      rowKey="id"
      loading={loading}
      dataSource={items ?? []}
      pagination={false}
      locale={{ emptyText: <EmptyState>{t('没有在用的会话', 'No active sessions')}</EmptyState> }}
      columns={[
        {
          title: t('类型', 'Kind'),
          width: 110,
          render: (_v, s) => (
            <Space size={4}>
              {s.kind === 'token' ? t('令牌', 'Token') : t('会话', 'Session')}
              {s.current && <Tag color="green">{t('当前', 'This')}</Tag>}
            </Space>
          ),
        },
        {
          title: t('名称/浏览器', 'Name / browser'),
          ellipsis: true,
          render: (_v, s) => s.name ?? s.userAgent ?? '—',
        },
        { title: t('地址', 'Address'), dataIndex: 'ip', width: 110, render: (v) => v ?? '—' },
        {
          title: t('最近使用', 'Last used'),
          dataIndex: 'lastUsedAt',
          width: 150,
          render: (v) => (v ? formatTime(v) : '—'),
        },
        {
          title: t('到期', 'Expires'),
          dataIndex: 'expiresAt',
          width: 150,
          render: (v) => (v ? formatTime(v) : '—'),
        },
        {
          title: '',
          width: 70,
          render: (_v, s) => (
            <Button size="small" danger onClick={() => onRevoke(s.id)}>
              {t('注销', 'Revoke')}
            </Button>
          ),
        },
      ]}
    />
  );
}

function Shares() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [history, setHistory] = useState(false);
  const shares = useAsync(
    () => call(api.GET('/api/v1/shares', { params: { query: { history: history ? 'true' : 'false' } } })),
    [history],
  );
  const reference = useAsync(loadReference, []);
  const users = useAsync(() => call(api.GET('/api/v1/users')), []);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ username: string; organisation: string; days?: number; reason?: string }>();
  const revoke = async (id: string) => {
    try {
      await call(api.DELETE('/api/v1/shares/{id}', { params: { path: { id } } }));
      void message.success(t('授权已撤销', 'Share revoked'));
      shares.reload();
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  const create = async () => {
    const v = await form.validateFields();
    try {
      await call(
        api.POST('/api/v1/shares', {
          body: {
            username: v.username,
            organisation: v.organisation,
            ...(v.days ? { days: v.days } : {}),
            ...(v.reason ? { reason: v.reason } : {}),
          },
        }),
      );
      void message.success(t('已授权', 'Shared'));
      setCreating(false);
      form.resetFields();
      shares.reload();
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  if (shares.error) return <ErrorState error={shares.error} onRetry={shares.reload} />;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('新建授权', 'New share')}
        </Button>
        <Switch checked={history} onChange={setHistory} aria-label={t('含已撤销', 'Include revoked')} />
        {t('含已撤销、已过期', 'Include revoked and expired')}
      </Space>
      <Table<Share>
        size="small"
        rowKey="id"
        loading={shares.loading}
        dataSource={shares.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState>{t('没有跨机构授权', 'No shares')}</EmptyState> }}
        columns={[
          { title: t('用户', 'User'), dataIndex: 'username', width: 120 },
          {
            title: t('机构（含下级）', 'Organisation (and below)'),
            render: (_v, s) => `${s.organisationCode} ${s.organisationName}`,
          },
          { title: t('事由', 'Reason'), dataIndex: 'reason', ellipsis: true, render: (v) => v ?? '—' },
          { title: t('授权人', 'Granted by'), dataIndex: 'grantedBy', width: 130, ellipsis: true },
          {
            title: t('到期', 'Expires'),
            dataIndex: 'expiresAt',
            width: 150,
            render: (v) => (v ? formatTime(v) : t('长期', 'Never')),
          },
          {
            title: '',
            width: 90,
            render: (_v, s) =>
              s.revokedAt ? (
                <Tag>{t('已撤销', 'Revoked')}</Tag>
              ) : (
                <Popconfirm
                  title={t('撤销这项授权？', 'Revoke this share?')}
                  onConfirm={() => void revoke(s.id)}
                >
                  <Button size="small" danger>
                    {t('撤销', 'Revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('新建跨机构授权', 'New cross-organisation share')}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText={t('授权', 'Grant')}
      >
        <Typography.Paragraph type="secondary">
          {t('被授权人仍受本人密级许可限制。', 'The user stays limited by their clearance.')}
        </Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="username" label={t('用户', 'User')} rules={[{ required: true }]}>
            <Select
              showSearch
              options={(users.data?.items ?? []).map((u) => ({
                value: u.username,
                label: `${u.displayName} (${u.username})`,
              }))}
            />
          </Form.Item>
          <Form.Item name="organisation" label={t('机构', 'Organisation')} rules={[{ required: true }]}>
            <Select
              showSearch
              options={(reference.data?.organisations ?? []).map((o) => ({
                value: o.code,
                label: `${o.code} ${o.name}`,
              }))}
            />
          </Form.Item>
          <Form.Item name="days" label={t('有效天数（空为长期）', 'Days (empty: no expiry)')}>
            <InputNumber min={1} max={3650} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="reason" label={t('事由', 'Reason')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
