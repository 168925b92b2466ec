/**
 * Administration, as far as the API goes today: users (create with a one-time password, reset),
 * organisations tree, fonds, categories and their classification scheme, secrecy levels and
 * retention periods, system status. Roles, clearances and dictionaries (synonyms, chains) are edited
 * in configuration files until their endpoints exist.
 */
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tree,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { Category, Organisation, PublicUser } from '../api/types';
import { AsyncView, useAsync } from '../components/async';
import { formatBytes, formatTime } from '../components/format';
import { loadReference, type Reference } from '../components/reference';
import { useI18n } from '../i18n';
import { useSession } from '../session';

const ROLE_OPTIONS: { value: PublicUser['roles'][number]; zh: string; en: string }[] = [
  { value: 'admin', zh: '系统管理员', en: 'Administrator' },
  { value: 'security', zh: '安全保密管理员', en: 'Security officer' },
  { value: 'auditor', zh: '安全审计员', en: 'Auditor' },
  { value: 'archivist', zh: '档案管理员', en: 'Archivist' },
  { value: 'officer', zh: '业务人员', en: 'Officer' },
  { value: 'reader', zh: '查阅者', en: 'Reader' },
];

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
              { key: 'status', label: t('系统状态', 'System status'), children: <Status /> },
            ]}
          />
        )}
      </AsyncView>
    </Card>
  );
}

function Users({ reference }: { reference: Reference }) {
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

type TreeNode = { key: string; title: string; children: TreeNode[] };

function Organisations({ items, onChange }: { items: Organisation[]; onChange: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const levels: Record<Organisation['level'], [string, string]> = {
    city: ['市', 'City'],
    district: ['区县', 'District'],
    street: ['街道', 'Street'],
    department: ['部门', 'Department'],
  };
  const nodes = new Map<string, TreeNode>(
    items.map((o) => [
      o.id,
      { key: o.id, title: `${o.code} ${o.name}（${t(...levels[o.level])}）`, children: [] },
    ]),
  );
  const roots: TreeNode[] = [];
  for (const o of items) {
    const node = nodes.get(o.id)!;
    const parent = o.parentId ? nodes.get(o.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const create = async () => {
    const v = await form.validateFields();
    try {
      await call(api.POST('/api/v1/organisations', { body: v }));
      form.resetFields();
      onChange();
      void message.success(t('已新建机构', 'Organisation created'));
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Space align="start" size="large" wrap>
      <Tree treeData={roots} defaultExpandAll selectable={false} style={{ minWidth: 320 }} />
      <Card size="small" title={t('新建机构', 'New organisation')} style={{ width: 360 }}>
        <Form form={form} layout="vertical" size="small" onFinish={() => void create()}>
          <Form.Item
            name="code"
            label={t('代码', 'Code')}
            rules={[
              {
                required: true,
                pattern: /^[A-Z0-9]{1,16}$/,
                message: t('1–16 位大写字母或数字', '1–16 capitals or digits'),
              },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="level" label={t('层级', 'Level')} rules={[{ required: true }]}>
            <Select
              options={(Object.keys(levels) as Organisation['level'][]).map((l) => ({
                value: l,
                label: t(...levels[l]),
              }))}
            />
          </Form.Item>
          <Form.Item name="parent" label={t('上级', 'Parent')}>
            <Select
              allowClear
              options={items.map((o) => ({ value: o.code, label: `${o.code} ${o.name}` }))}
            />
          </Form.Item>
          <Button htmlType="submit" type="primary">
            {t('新建', 'Create')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}

function FondsTab({ reference, onChange }: { reference: Reference; onChange: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = async () => {
    const v = await form.validateFields();
    try {
      await call(api.POST('/api/v1/fonds', { body: v }));
      form.resetFields();
      onChange();
      void message.success(t('已新建全宗', 'Fonds created'));
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Space align="start" size="large" wrap>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={reference.fonds}
        style={{ minWidth: 480 }}
        columns={[
          { title: t('全宗号', 'Code'), dataIndex: 'code' },
          { title: t('名称', 'Name'), dataIndex: 'name' },
          {
            title: t('档号格式', 'Archive no. format'),
            dataIndex: 'archiveNoFormat',
            render: (v: string) => <code>{v}</code>,
          },
        ]}
      />
      <Card size="small" title={t('新建全宗', 'New fonds')} style={{ width: 360 }}>
        <Form form={form} layout="vertical" size="small" onFinish={() => void create()}>
          <Form.Item
            name="code"
            label={t('全宗号', 'Code')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9]{1,16}$/ }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="organisation" label={t('立档单位', 'Organisation')} rules={[{ required: true }]}>
            <Select
              options={reference.organisations.map((o) => ({ value: o.code, label: `${o.code} ${o.name}` }))}
            />
          </Form.Item>
          <Form.Item name="archiveNoFormat" label={t('档号格式（可选）', 'Archive no. format (optional)')}>
            <Input placeholder="{fonds}-{category}·{year}-{retention}-{org}-{item:4}" />
          </Form.Item>
          <Button htmlType="submit" type="primary">
            {t('新建', 'Create')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}

function Categories({ items }: { items: Category[] }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState(items[0]?.code ?? '');
  const classes = useAsync(
    () =>
      selected
        ? call(api.GET('/api/v1/categories/{category}/classes', { params: { path: { category: selected } } }))
        : Promise.resolve({ items: [] }),
    [selected],
  );
  return (
    <Space align="start" size="large" wrap>
      <Table<Category>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={items}
        style={{ minWidth: 520 }}
        columns={[
          { title: t('代码', 'Code'), dataIndex: 'code', width: 70 },
          { title: t('门类', 'Category'), render: (_v, c) => t(c.nameZh, c.nameEn) },
          {
            title: t('扩展著录项', 'Extra fields'),
            render: (_v, c) => c.extraFields.map((f) => <Tag key={f.name}>{t(f.zh, f.en)}</Tag>),
          },
        ]}
      />
      <Card
        size="small"
        title={t('分类方案', 'Classification')}
        extra={
          <Select
            size="small"
            value={selected}
            onChange={setSelected}
            style={{ width: 150 }}
            aria-label={t('门类', 'Category')}
            options={items.map((c) => ({ value: c.code, label: `${c.code} ${t(c.nameZh, c.nameEn)}` }))}
          />
        }
        style={{ width: 360 }}
      >
        <AsyncView state={classes}>
          {({ items: cls }) =>
            cls.length === 0 ? (
              <Typography.Text type="secondary">{t('该门类还没有类目', 'No classes yet')}</Typography.Text>
            ) : (
              <ul style={{ paddingLeft: 18, margin: 0 }}>
                {cls.map((c) => (
                  <li key={c.id}>
                    <code>{c.code}</code> {c.name}
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
      </Card>
    </Space>
  );
}

function Vocabularies({ reference }: { reference: Reference }) {
  const { t } = useI18n();
  const v = reference.vocabularies;
  return (
    <Space align="start" size="large" wrap>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        title={() => t('密级（在配置 secrecyLevels 中设置）', 'Secrecy levels (setting secrecyLevels)')}
        dataSource={v.secrecyLevels}
        columns={[
          { title: t('代码', 'Code'), dataIndex: 'code' },
          { title: t('名称', 'Name'), render: (_x, l) => t(l.zh, l.en) },
          { title: t('等级', 'Rank'), dataIndex: 'rank' },
        ]}
      />
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        title={() => t('保管期限（DA/T 22-2015）', 'Retention periods (DA/T 22-2015)')}
        dataSource={v.retentionPeriods}
        columns={[
          { title: t('代码', 'Code'), dataIndex: 'code' },
          { title: t('名称', 'Name'), render: (_x, r) => t(r.zh, r.en) },
          {
            title: t('年限', 'Years'),
            dataIndex: 'years',
            render: (y: number | null) => y ?? t('永久', 'permanent'),
          },
        ]}
      />
    </Space>
  );
}

function Status() {
  const { t } = useI18n();
  const state = useAsync(() => call(api.GET('/api/v1/system/status')), []);
  return (
    <AsyncView state={state}>
      {(s) => (
        <>
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('数据库', 'Database')}>{s.database}</Descriptions.Item>
            <Descriptions.Item label={t('档案', 'Records')}>
              {t(
                `待归档 ${s.records.draft}，已归档 ${s.records.filed}`,
                `${s.records.draft} draft, ${s.records.filed} filed`,
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('文件', 'Blobs')}>
              {s.blobs.count} · {formatBytes(s.blobs.bytes)} → {formatBytes(s.blobs.storedBytes)}
            </Descriptions.Item>
            <Descriptions.Item label={t('任务', 'Jobs')}>
              {Object.entries(s.jobs)
                .map(([k, n]) => `${k} ${n}`)
                .join('，') || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('存储卷', 'Volumes')} span={2}>
              {s.volumes.map((v) => (
                <div key={v}>
                  <code>{v}</code>
                </div>
              ))}
            </Descriptions.Item>
          </Descriptions>
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            title={t(
              '同义词与审批链词典在数据文件夹的 search/ 目录中维护（见 docs/search.md）；网页编辑接口尚未提供。',
              'Synonyms and approval chains are kept in the data folder under search/ (docs/search.md); no web editing endpoint yet.',
            )}
          />
        </>
      )}
    </AsyncView>
  );
}
