/**
 * My account (我的账户): TOTP second factor — set up with the password (secret and otpauth:// address
 * to enter into an authenticator), enable with a first code, disable with password and code — and the
 * caller's own sessions and API tokens with revocation.
 */
import { SafetyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import { ErrorState, useAsync } from '../components/async';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { SessionTable } from './UsersPage';

export default function AccountPage() {
  const { t } = useI18n();
  const { user } = useSession();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('我的账户', 'My account')}>
        <Descriptions
          size="small"
          column={3}
          items={[
            { key: 'u', label: t('用户名', 'Username'), children: user!.username },
            { key: 'n', label: t('姓名', 'Name'), children: user!.displayName },
            { key: 'o', label: t('所属机构', 'Organisation'), children: user!.organisationName },
          ]}
        />
      </Card>
      <Totp />
      <MySessions />
    </Space>
  );
}

function Totp() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user, refresh } = useSession();
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const enabled = user!.totpEnabled;
  return (
    <Card
      title={
        <Space>
          <SafetyOutlined />
          {t('动态口令（第二因素）', 'One-time codes (second factor)')}
          {enabled ? <Tag color="green">{t('已启用', 'On')}</Tag> : <Tag>{t('未启用', 'Off')}</Tag>}
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
      {enabled ? (
        <Form
          layout="inline"
          onFinish={(v: { password: string; code: string }) =>
            void act(async () => {
              await call(api.POST('/api/v1/auth/totp/disable', { body: v }));
              void message.success(t('动态口令已停用', 'One-time codes turned off'));
              await refresh();
            })
          }
        >
          <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="code" label={t('动态口令', 'Code')} rules={[{ required: true }]}>
            <Input autoComplete="one-time-code" inputMode="numeric" maxLength={8} style={{ width: 110 }} />
          </Form.Item>
          <Button danger htmlType="submit" loading={busy}>
            {t('停用', 'Turn off')}
          </Button>
        </Form>
      ) : setup ? (
        <>
          <Typography.Paragraph>
            {t(
              '在验证器（如手机上的身份验证器应用）中添加账户：输入下面的密钥，或使用 otpauth 地址。然后输入它显示的 6 位口令确认。',
              'Add the account in your authenticator app with the secret below (or the otpauth address), then enter the 6-digit code it shows.',
            )}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            bordered
            column={1}
            style={{ marginBottom: 12 }}
            items={[
              {
                key: 's',
                label: t('密钥', 'Secret'),
                children: (
                  <Typography.Text code copyable data-testid="totp-secret">
                    {setup.secret}
                  </Typography.Text>
                ),
              },
              {
                key: 'u',
                label: t('地址', 'Address'),
                children: (
                  <Typography.Text copyable style={{ wordBreak: 'break-all', fontSize: 12 }}>
                    {setup.uri}
                  </Typography.Text>
                ),
              },
            ]}
          />
          <Form
            layout="inline"
            onFinish={(v: { code: string }) =>
              void act(async () => {
                await call(api.POST('/api/v1/auth/totp/enable', { body: { code: v.code.trim() } }));
                void message.success(
                  t('动态口令已启用，下次登录时需要输入', 'On: needed at your next sign-in'),
                );
                setSetup(null);
                await refresh();
              })
            }
          >
            <Form.Item name="code" label={t('动态口令', 'Code')} rules={[{ required: true }]}>
              <Input autoComplete="one-time-code" inputMode="numeric" maxLength={8} style={{ width: 110 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('确认并启用', 'Confirm and turn on')}
            </Button>
            <Button type="link" onClick={() => setSetup(null)}>
              {t('取消', 'Cancel')}
            </Button>
          </Form>
        </>
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {t(
              '启用后，登录时除密码外还须输入验证器中的 6 位动态口令。',
              'Once on, signing in needs the 6-digit code from your authenticator besides the password.',
            )}
          </Typography.Paragraph>
          <Form
            layout="inline"
            onFinish={(v: { password: string }) =>
              void act(async () => {
                setSetup(await call(api.POST('/api/v1/auth/totp/setup', { body: { password: v.password } })));
              })
            }
          >
            <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('设置动态口令', 'Set up')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}

function MySessions() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const sessions = useAsync(() => call(api.GET('/api/v1/auth/sessions')), []);
  const revoke = async (id: string) => {
    try {
      const r = await call(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } }));
      void message.success(t(`已注销 ${r.revoked} 个`, `${r.revoked} revoked`));
      sessions.reload();
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Card title={t('我的会话与令牌', 'My sessions and tokens')}>
      {sessions.error ? (
        <ErrorState error={sessions.error} onRetry={sessions.reload} />
      ) : (
        <SessionTable
          items={sessions.data?.items}
          loading={sessions.loading}
          onRevoke={(id) => void revoke(id)}
        />
      )}
    </Card>
  );
}
