/**
 * Administration → search dictionaries: the synonyms archivists add (one group a line) and the
 * approval chains (a chain of the same name replaces the built-in one). The server checks, writes
 * atomically and audits each change; the next search uses it. A version check stops one editor
 * from overwriting another's change unseen.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Collapse, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

export function Dictionaries() {
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Synonyms />
      <Chains />
    </Space>
  );
}

function Synonyms() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const state = useAsync(() => call(api.GET('/api/v1/search/dictionaries/synonyms')), []);
  const [text, setText] = useState<string>();
  const [version, setVersion] = useState<string>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (state.data) {
      setText(state.data.own);
      setVersion(state.data.version);
    }
  }, [state.data]);
  const save = async () => {
    setSaving(true);
    try {
      const r = await call(
        api.PUT('/api/v1/search/dictionaries/synonyms', { body: { text: text ?? '', base: version } }),
      );
      setVersion(r.version);
      void message.success(t(`已保存：${r.groups} 组同义词`, `Saved: ${r.groups} synonym groups`));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('同义词与简称', 'Synonyms and abbreviations')}>
      <AsyncView state={state}>
        {(d) => (
          <>
            <Typography.Paragraph type="secondary">
              {t(
                '每行一组，组内用空格或逗号分隔；检索其中一个词时也查找其余各词。# 之后为注释。与内置词典合并使用，保存后下一次检索即生效。',
                'One group a line, terms separated by spaces or commas; a query for one term also finds the others. # starts a comment. Merged with the built-in list; the next search uses it.',
              )}
            </Typography.Paragraph>
            <Input.TextArea
              aria-label={t('本单位同义词', 'Our synonyms')}
              value={text}
              onChange={(e) => setText(e.target.value)}
              autoSize={{ minRows: 5, maxRows: 14 }}
              style={{ fontFamily: 'monospace' }}
              placeholder={t('例：安检大排查 安全生产检查', 'e.g. 安检大排查 安全生产检查')}
              readOnly={!can('reference.manage')}
            />
            <Space style={{ marginTop: 8 }}>
              {can('reference.manage') && (
                <Button type="primary" loading={saving} onClick={() => void save()}>
                  {t('保存同义词', 'Save synonyms')}
                </Button>
              )}
            </Space>
            <Collapse
              size="small"
              style={{ marginTop: 12 }}
              items={[
                {
                  key: 'builtin',
                  label: t('内置同义词（只读）', 'Built-in synonyms (read-only)'),
                  children: <pre style={{ margin: 0, maxHeight: 240, overflow: 'auto' }}>{d.builtin}</pre>,
                },
              ]}
            />
          </>
        )}
      </AsyncView>
    </Card>
  );
}

interface ChainDraft {
  name: string;
  /** one step a line: “步骤名：匹配词1，匹配词2” (without a colon the name is its own match) */
  steps: string;
}

function toDraft(chain: { name: string; steps: { name: string; match: string[] }[] }): ChainDraft {
  return {
    name: chain.name,
    steps: chain.steps
      .map((s) =>
        s.match.length === 1 && s.match[0] === s.name ? s.name : `${s.name}：${s.match.join('，')}`,
      )
      .join('\n'),
  };
}

function fromDraft(draft: ChainDraft) {
  return {
    name: draft.name.trim(),
    steps: draft.steps
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => {
        const [name, terms] = line.split(/[:：]/, 2) as [string, string | undefined];
        const match = (terms ?? name)
          .split(/[,，、]/)
          .map((m) => m.trim())
          .filter((m) => m !== '');
        return { name: name.trim(), match };
      }),
  };
}

function Chains() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const state = useAsync(() => call(api.GET('/api/v1/search/dictionaries/chains')), []);
  const [drafts, setDrafts] = useState<ChainDraft[]>([]);
  const [version, setVersion] = useState<string>();
  const [saving, setSaving] = useState(false);
  const editable = can('reference.manage');
  useEffect(() => {
    if (state.data) {
      setDrafts(state.data.own.map(toDraft));
      setVersion(state.data.version);
    }
  }, [state.data]);
  const update = (i: number, patch: Partial<ChainDraft>) =>
    setDrafts((d) => d.map((c, ci) => (ci === i ? { ...c, ...patch } : c)));
  const save = async () => {
    setSaving(true);
    try {
      const r = await call(
        api.PUT('/api/v1/search/dictionaries/chains', {
          body: { chains: drafts.map(fromDraft), base: version },
        }),
      );
      setVersion(r.version);
      void message.success(t(`已保存：${r.chains} 条审批链`, `Saved: ${r.chains} approval chains`));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('审批链', 'Approval chains')}>
      <AsyncView state={state}>
        {(d) => (
          <>
            <Typography.Paragraph type="secondary">
              {t(
                '同一项目的档案按审批链的步骤前后关联（检索页“关联档案”）。每行一步：“步骤名：匹配词1，匹配词2”，题名或事项类型含匹配词的档案属于该步。与内置链同名的链替换内置链。',
                'Records of one project are linked along a chain’s steps (“related records” on the search page). One step a line: “step: term 1, term 2”; a record whose title or matter type holds a term belongs to that step. A chain named like a built-in one replaces it.',
              )}
            </Typography.Paragraph>
            {drafts.map((c, i) => (
              <Card
                key={i}
                size="small"
                type="inner"
                style={{ marginBottom: 8 }}
                title={
                  <Input
                    aria-label={t(`审批链 ${i + 1} 名称`, `Chain ${i + 1} name`)}
                    value={c.name}
                    onChange={(e) => update(i, { name: e.target.value })}
                    readOnly={!editable}
                    style={{ maxWidth: 320 }}
                  />
                }
                extra={
                  editable && (
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={t('删除此链', 'Delete this chain')}
                      onClick={() => setDrafts((x) => x.filter((_c, ci) => ci !== i))}
                    />
                  )
                }
              >
                <Input.TextArea
                  aria-label={t(`审批链 ${i + 1} 步骤`, `Chain ${i + 1} steps`)}
                  value={c.steps}
                  onChange={(e) => update(i, { steps: e.target.value })}
                  autoSize={{ minRows: 2, maxRows: 10 }}
                  readOnly={!editable}
                />
              </Card>
            ))}
            {editable && (
              <Space>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => setDrafts((x) => [...x, { name: '', steps: '' }])}
                >
                  {t('新增审批链', 'Add a chain')}
                </Button>
                <Button type="primary" loading={saving} onClick={() => void save()}>
                  {t('保存审批链', 'Save chains')}
                </Button>
              </Space>
            )}
            <Collapse
              size="small"
              style={{ marginTop: 12 }}
              items={[
                {
                  key: 'builtin',
                  label: t('内置审批链（只读）', 'Built-in chains (read-only)'),
                  children: d.builtin.map((c) => (
                    <div key={c.name} style={{ marginBottom: 8 }}>
                      <Typography.Text strong>{c.name}</Typography.Text>
                      <pre style={{ margin: 0 }}>{toDraft(c).steps}</pre>
                    </div>
                  )),
                },
              ]}
            />
          </>
        )}
      </AsyncView>
    </Card>
  );
}
