/**
 * Keys (密钥管理) for the security officer: whether new files are sealed, the key store and cipher,
 * each secrecy level's key-encryption key (version, state, data keys) and the count of sealed, clear
 * and destroyed files; rotation of one level or all (rewraps data keys, files are not re-encrypted).
 */
import { SyncOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { KeyStatus } from '../api/types';
import { AsyncView, useAsync } from '../components/async';
import { formatTime } from '../components/format';
import { useI18n } from '../i18n';

const STATE_COLOR = { active: 'green', retired: 'default', destroyed: 'red' } as const;

export default function KeysPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const keys = useAsync(() => call(api.GET('/api/v1/keys')), []);
  const [level, setLevel] = useState<string | undefined>(undefined);
  const [rotating, setRotating] = useState(false);
  const rotate = async () => {
    setRotating(true);
    try {
      const result = await call(api.POST('/api/v1/keys/rotate', { body: level ? { level } : {} }));
      if (result.length === 0)
        void message.info(
          t('没有可轮换的密钥：还没有加密保存的文件。', 'Nothing to rotate: no file has been sealed yet.'),
        );
      else
        void message.success(
          result
            .map((r) =>
              t(
                `${r.level}：第 ${r.fromVersion ?? '—'} 版 → 第 ${r.toVersion} 版，重新封装 ${r.rewrapped} 个数据密钥`,
                `${r.level}: v${r.fromVersion ?? '—'} → v${r.toVersion}, ${r.rewrapped} data keys rewrapped`,
              ),
            )
            .join('；'),
        );
      keys.reload();
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setRotating(false);
    }
  };
  return (
    <Card title={t('密钥管理', 'Keys')}>
      <AsyncView state={keys}>
        {(k: KeyStatus) => (
          <>
            <Descriptions
              size="small"
              bordered
              column={3}
              style={{ marginBottom: 16 }}
              items={[
                {
                  key: 'sealing',
                  label: t('新文件加密', 'New files sealed'),
                  children: k.sealing ? (
                    <Tag color="green">{t('是', 'Yes')}</Tag>
                  ) : (
                    <Tag color="orange">{t('否', 'No')}</Tag>
                  ),
                },
                { key: 'store', label: t('密钥库', 'Key store'), children: k.store },
                { key: 'cipher', label: t('算法', 'Cipher'), children: k.cipher },
                { key: 'sealed', label: t('已加密文件', 'Sealed files'), children: k.blobs.sealed },
                { key: 'clear', label: t('明文文件', 'Clear files'), children: k.blobs.clear },
                { key: 'destroyed', label: t('已销毁文件', 'Shredded files'), children: k.blobs.destroyed },
              ]}
            />
            <Space style={{ marginBottom: 12 }} wrap>
              <Select
                allowClear
                placeholder={t('全部密级', 'All levels')}
                value={level}
                onChange={setLevel}
                style={{ width: 160 }}
                aria-label={t('轮换的密级', 'Level to rotate')}
                options={[...new Set(k.levels.map((l) => l.level))].map((l) => ({ value: l, label: l }))}
              />
              <Popconfirm
                title={t(
                  '轮换密钥加密密钥并重新封装数据密钥？',
                  'Rotate the key-encryption keys and rewrap data keys?',
                )}
                onConfirm={() => void rotate()}
              >
                <Button type="primary" icon={<SyncOutlined />} loading={rotating}>
                  {t('轮换密钥', 'Rotate keys')}
                </Button>
              </Popconfirm>
              <Typography.Text type="secondary">
                {t(
                  '轮换不重新加密文件；操作记入审计日志。',
                  'Files are not re-encrypted; recorded in the audit trail.',
                )}
              </Typography.Text>
            </Space>
            <Table
              size="small"
              rowKey={(l) => `${l.level}:${l.version}`}
              data-testid="key-table"
              dataSource={k.levels}
              pagination={false}
              columns={[
                { title: t('密级', 'Level'), dataIndex: 'level', width: 110 },
                { title: t('版本', 'Version'), dataIndex: 'version', width: 70 },
                {
                  title: t('状态', 'State'),
                  dataIndex: 'state',
                  width: 90,
                  render: (s: keyof typeof STATE_COLOR) => (
                    <Tag color={STATE_COLOR[s]}>
                      {s === 'active'
                        ? t('在用', 'active')
                        : s === 'retired'
                          ? t('已停用', 'retired')
                          : t('已销毁', 'destroyed')}
                    </Tag>
                  ),
                },
                { title: t('数据密钥', 'Data keys'), dataIndex: 'dataKeys', width: 90 },
                { title: t('密钥库', 'Store'), dataIndex: 'store', width: 90 },
                { title: t('密钥引用', 'Key ref'), dataIndex: 'keyRef', ellipsis: true },
                {
                  title: t('创建时间', 'Created'),
                  dataIndex: 'createdAt',
                  width: 160,
                  render: (v: string) => formatTime(v),
                },
              ]}
            />
          </>
        )}
      </AsyncView>
    </Card>
  );
}
