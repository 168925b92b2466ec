/** Sign-in, and the forced change of a one-time password (the first administrator, new users). */
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, call } from '../api/client';
import { useI18n, type Locale } from '../i18n';
import { useSession } from '../session';

export default function LoginPage() {
  const { t, locale, setLocale } = useI18n();
  const { user } = useSession();
  const [oneTime, setOneTime] = useState<string>('');
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg, #fff1f0 0%, #f5f5f5 60%)',
      }}
    >
      <Card style={{ width: 400 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('电子档案管理系统', 'Electronic archives')}
          </Typography.Title>
          <Segmented
            size="small"
            value={locale}
            onChange={(v) => setLocale(v as Locale)}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
          />
        </div>
        {user?.mustChangePassword ? <ChangePassword current={oneTime} /> : <SignIn onOneTime={setOneTime} />}
      </Card>
    </div>
  );
}

function SignIn({ onOneTime }: { onOneTime: (password: string) => void }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Shown once the server answers auth.otp_required: the account has a second factor (TOTP).
  const [needOtp, setNeedOtp] = useState(false);
  return (
    <Form
      layout="vertical"
      requiredMark={false}
      onFinish={async (values: { username: string; password: string; otp?: string }) => {
        setBusy(true);
        setError(undefined);
        try {
          const me = await signIn(values.username.trim(), values.password, values.otp?.trim() || undefined);
          if (me.mustChangePassword) onOneTime(values.password);
        } catch (e) {
          if (e instanceof ApiError && e.code === 'auth.otp_required') {
            setNeedOtp(true);
            return;
          }
          setError((e as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form.Item
        name="username"
        label={t('用户名', 'Username')}
        rules={[{ required: true, message: t('请输入用户名', 'Enter your username') }]}
      >
        <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('密码', 'Password')}
        rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
      </Form.Item>
      {needOtp && (
        <Form.Item
          name="otp"
          label={t('动态口令', 'One-time code')}
          extra={t('请输入验证器中的 6 位动态口令', 'Enter the 6-digit code from your authenticator')}
          rules={[
            { required: true, message: t('请输入动态口令', 'Enter the code') },
            { pattern: /^\s*\d{6}\s*$/, message: t('动态口令为 6 位数字', 'The code has 6 digits') },
          ]}
        >
          <Input
            prefix={<SafetyOutlined />}
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={8}
            autoFocus
          />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" block loading={busy}>
        {t('登录', 'Sign in')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
        {t(
          '首次启动时，系统管理员 admin 的一次性密码打印在服务终端中。',
          'At the first start, the one-time password of admin is printed in the server terminal.',
        )}
      </Typography.Paragraph>
    </Form>
  );
}

function ChangePassword({ current }: { current: string }) {
  const { t } = useI18n();
  const { refresh, signOut } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Form
      layout="vertical"
      requiredMark={false}
      initialValues={{ currentPassword: current }}
      onFinish={async (values: { currentPassword: string; newPassword: string }) => {
        setBusy(true);
        setError(undefined);
        try {
          await call(
            api.POST('/api/v1/auth/password', {
              body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
            }),
          );
          await refresh();
        } catch (e) {
          setError((e as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('请先修改一次性密码', 'Change your one-time password first')}
        description={t(
          '一次性密码只能用于这一次登录；设置自己的新密码后才能使用系统。',
          'The one-time password is good for this sign-in only; set your own password to continue.',
        )}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form.Item
        name="currentPassword"
        label={t('当前（一次性）密码', 'Current (one-time) password')}
        rules={[{ required: true, message: t('请输入当前密码', 'Enter the current password') }]}
        hidden={current !== ''}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('新密码', 'New password')}
        rules={[{ required: true, message: t('请输入新密码', 'Enter a new password') }]}
      >
        <Input.Password autoComplete="new-password" autoFocus />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('再次输入新密码', 'Repeat the new password')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('请再次输入新密码', 'Repeat the new password') },
          ({ getFieldValue }) => ({
            validator: (_r, value) =>
              value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('两次输入的密码不一致', 'The passwords differ'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy}>
        {t('修改密码并进入', 'Change password and continue')}
      </Button>
      <Button type="link" block onClick={() => void signOut()} style={{ marginTop: 8 }}>
        {t('返回登录', 'Back to sign-in')}
      </Button>
    </Form>
  );
}
