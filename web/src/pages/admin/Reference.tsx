/**
 * Administration → reference data: the organisations tree, fonds and archive-number formats,
 * categories with their classification scheme, secrecy levels and the retention schedule.
 */
import { App, Button, Card, Form, Input, Select, Space, Table, Tag, Tree, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Category, Organisation } from '../../api/types';
import { AsyncView, useAsync } from '../../components/async';
import type { Reference } from '../../components/reference';
import { useI18n } from '../../i18n';

type TreeNode = { key: string; title: string; children: TreeNode[] };

export function Organisations({ items, onChange }: { items: Organisation[]; onChange: () => void }) {
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

export function FondsTab({ reference, onChange }: { reference: Reference; onChange: () => void }) {
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

export function Categories({ items }: { items: Category[] }) {
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

export function Vocabularies({ reference }: { reference: Reference }) {
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
