/** Administration → users: create with a one-time password, reset a password. */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { PublicUser } from '../../api/types';
import { AsyncView, useAsync } from '../../components/async';
import { formatTime } from '../../components/format';
import type { Reference } from '../../components/reference';
import { useI18n } from '../../i18n';

export const ROLE_OPTIONS: { value: PublicUser['roles'][number]; zh: string; en: string }[] = [
  { value: 'admin', zh: '系统管理员', en: 'Administrator' },
  { value: 'security', zh: '安全保密管理员', en: 'Security officer' },
  { value: 'auditor', zh: '安全审计员', en: 'Auditor' },
  { value: 'archivist', zh: '档案管理员', en: 'Archivist' },
  { value: 'officer', zh: '业务人员', en: 'Officer' },
  { value: 'reader', zh: '查阅者', en: 'Reader' },
];

export function Users({ reference }: { reference: Reference }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const users = useAsync(() => call(api.GET('/api/v1/users')), []);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();
  const orgName = (id: string) => reference.organisations.find((o) => o.id === id)?.name ?? id;
  const showPassword = (username: string, password: string) =>
    modal.success({
      title: t('一次性密码', 'One-time password'),
      content: (
        <div>
          <p>
            {t(
              `请把一次性密码当面或安全地交给 ${username}；首次登录时必须修改。`,
              `Hand this to ${username} safely; it must be changed at the first sign-in.`,
            )}
          </p>
          <Typography.Text code copyable data-testid="one-time-password">
            {password}
          </Typography.Text>
        </div>
      ),
    });
  const create = async () => {
    const v = await form.validateFields();
    try {
      const result = await call(api.POST('/api/v1/users', { body: v }));
      setCreating(false);
      form.resetFields();
      users.reload();
      showPassword(result.user.username, result.oneTimePassword);
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  const reset = (username: string) =>
    modal.confirm({
      title: t(`重置 ${username} 的密码？`, `Reset the password of ${username}?`),
      content: t('该用户的全部会话将被注销。', 'All of their sessions end.'),
      onOk: async () => {
        try {
          const r = await call(
            api.POST('/api/v1/users/{username}/reset-password', { params: { path: { username } } }),
          );
          showPassword(username, r.oneTimePassword);
        } catch (e) {
          void message.error((e as Error).message);
        }
      },
    });
  return (
    <>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => setCreating(true)}
        style={{ marginBottom: 12 }}
      >
        {t('新建用户', 'New user')}
      </Button>
      <AsyncView state={users}>
        {({ items }) => (
          <Table<PublicUser>
            size="small"
            rowKey="id"
            dataSource={items}
            pagination={false}
            columns={[
              { title: t('用户名', 'Username'), dataIndex: 'username' },
              { title: t('姓名', 'Name'), dataIndex: 'displayName' },
              { title: t('机构', 'Organisation'), dataIndex: 'organisationId', render: orgName },
              {
                title: t('角色', 'Roles'),
                dataIndex: 'roles',
                render: (roles: PublicUser['roles']) =>
                  roles.map((r) => {
                    const o = ROLE_OPTIONS.find((x) => x.value === r)!;
                    return <Tag key={r}>{t(o.zh, o.en)}</Tag>;
                  }),
              },
              { title: t('密级许可', 'Clearance'), dataIndex: 'clearance' },
              {
                title: t('状态', 'State'),
                render: (_v, u) =>
                  u.disabled ? (
                    <Tag color="red">{t('停用', 'Disabled')}</Tag>
                  ) : u.mustChangePassword ? (
                    <Tag color="orange">{t('待改密码', 'Must change password')}</Tag>
                  ) : (
                    <Tag color="green">{t('正常', 'Active')}</Tag>
                  ),
              },
              { title: t('最近登录', 'Last sign-in'), dataIndex: 'lastLoginAt', render: formatTime },
              {
                title: t('操作', 'Actions'),
                render: (_v, u) => (
                  <Button size="small" onClick={() => reset(u.username)}>
                    {t('重置密码', 'Reset password')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </AsyncView>
      <Modal
        open={creating}
        title={t('新建用户', 'New user')}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText={t('创建', 'Create')}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ organisation: reference.organisations[0]?.code, clearance: 'internal' }}
        >
          <Form.Item
            name="username"
            label={t('用户名', 'Username')}
            rules={[
              {
                required: true,
                pattern: /^[A-Za-z0-9_.-]{2,64}$/,
                message: t('2–64 位字母、数字或 _ . -', '2–64 letters, digits or _ . -'),
              },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="displayName" label={t('姓名', 'Name')}>
            <Input />
          </Form.Item>
          <Form.Item name="organisation" label={t('机构', 'Organisation')} rules={[{ required: true }]}>
            <Select
              options={reference.organisations.map((o) => ({ value: o.code, label: `${o.code} ${o.name}` }))}
            />
          </Form.Item>
          <Form.Item name="roles" label={t('角色', 'Roles')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              options={ROLE_OPTIONS.map((r) => ({ value: r.value, label: t(r.zh, r.en) }))}
            />
          </Form.Item>
          <Form.Item name="clearance" label={t('密级许可', 'Clearance')} rules={[{ required: true }]}>
            <Select
              options={reference.vocabularies.secrecyLevels.map((l) => ({
                value: l.code,
                label: t(l.zh, l.en),
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
