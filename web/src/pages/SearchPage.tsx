/**
 * Search: one box with results as you type, highlighted snippets, facets that filter, sort, paging,
 * "您要找的是…" when only near matches were found, and the related records of a hit in a drawer.
 * The query lives in the address bar, so a search can be bookmarked and the back button works.
 */
import { ApartmentOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Drawer,
  Input,
  List,
  Pagination,
  Row,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { SearchHit, SearchQuery, SearchResult } from '../api/types';
import { EmptyState, ErrorState, Loading, useAsync } from '../components/async';
import { holdsTyped, snippetParts, suggestedTerms } from '../components/format';
import { RelatedPanel } from '../components/RelatedPanel';
import { RETENTION } from '../components/records';
import { useI18n } from '../i18n';

const FACET_NAMES: Record<keyof SearchResult['facets'], [string, string]> = {
  fonds: ['全宗', 'Fonds'],
  category: ['门类', 'Category'],
  organisation: ['机构', 'Organisation'],
  year: ['年度', 'Year'],
  level: ['密级', 'Secrecy level'],
  retention: ['保管期限', 'Retention'],
  matterType: ['事项类型', 'Matter type'],
};
const FILTERS = Object.keys(FACET_NAMES) as (keyof SearchResult['facets'])[];
const PAGE = 20;

export default function SearchPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [related, setRelated] = useState<SearchHit | null>(null);
  const sort = params.get('sort') === 'date' ? 'date' : 'relevance';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const filters = useMemo(
    () => Object.fromEntries(FILTERS.flatMap((f) => (params.get(f) ? [[f, params.get(f)!]] : []))),
    [params],
  );

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: 'q' in changes && Object.keys(changes).length === 1 });
  };

  // Results as you type: the box updates the address after a short pause.
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => update({ q: text.trim() }), 250);
    return () => clearTimeout(timer);
  }, [text]);
  useEffect(() => setText(q), [q]);

  const state = useAsync(async () => {
    if (!q) return null;
    const query: SearchQuery = { q, sort, limit: PAGE, offset: Math.min((page - 1) * PAGE, 500), ...filters };
    return call(api.GET('/api/v1/search', { params: { query } }));
  }, [q, sort, page, JSON.stringify(filters)]);

  const result = state.data;
  // A hit found by its identifier, or holding the words as typed, is no near match.
  const asTyped = (hit: { exact: boolean; title: string; snippet: string }) =>
    hit.exact || holdsTyped(q, hit);
  const suggestion = result && !result.hits.some(asTyped) ? suggestedTerms(result.hits) : null;

  return (
    <div>
      <Input.Search
        size="large"
        placeholder={t(
          '输入档号、文号、题名、关键词或拼音，如：施工许可证 2024',
          'Archive no., doc no., title, keywords or pinyin',
        )}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => update({ q: v.trim() })}
        allowClear
        autoFocus
        enterButton={t('检索', 'Search')}
        aria-label={t('检索', 'Search')}
        loading={state.loading && Boolean(q)}
      />
      <Row gutter={16} style={{ marginTop: 16 }} wrap={false}>
        <Col flex="220px">
          <Facets result={result ?? undefined} filters={filters} onChange={(f, v) => update({ [f]: v })} />
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          {!q ? (
            <EmptyState>
              {t(
                '输入关键词开始检索。结果只包含您有权查看的档案。',
                'Type to search. Results only include records you may open.',
              )}
              <br />
              {t(
                '“引号”内为必须出现的短语；-词 或 NOT 词 排除含该词的档案；写上年份（如 2023）时该年的档案优先，写上年月或日期（如 2023年3月、2023-03-15）时该月、该日的档案更优先；拼音、首字母可连写也可分开（shigongxuke、shi gong xu ke、sgxk、sg xk）。',
                '"Quotes" require a phrase; -word or NOT word leaves out records holding it; a year (e.g. 2023) puts that year first, a month or a date (2023-03, 2023-03-15) that month or day before it; pinyin and initials may be typed together or apart (shigongxuke, shi gong xu ke, sgxk, sg xk).',
              )}
            </EmptyState>
          ) : state.error ? (
            <ErrorState error={state.error} onRetry={state.reload} />
          ) : !result ? (
            <Loading tip={t('检索中…', 'Searching…')} />
          ) : (
            <>
              <Space style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
                <Typography.Text data-testid="search-total">
                  {t('共找到 ', 'Found ')}
                  {result.totalExact ? result.total : `${result.total}+`}
                  {t(' 条结果', ' results')}
                </Typography.Text>
                <Segmented
                  value={sort}
                  onChange={(v) => update({ sort: v === 'date' ? 'date' : null })}
                  options={[
                    { label: t('按相关度', 'Relevance'), value: 'relevance' },
                    { label: t('按日期', 'Date'), value: 'date' },
                  ]}
                />
              </Space>
              {suggestion && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={
                    <span data-testid="did-you-mean">
                      {t(
                        `没有与“${q}”完全一致的结果。您要找的是：`,
                        `No exact match for “${q}”. Did you mean: `,
                      )}
                      <Typography.Link onClick={() => update({ q: suggestion })}>
                        {suggestion}
                      </Typography.Link>
                      {t('？', '?')}
                    </span>
                  }
                />
              )}
              <List
                dataSource={result.hits}
                locale={{
                  emptyText: (
                    <EmptyState>
                      {t(
                        '没有找到相关档案。换个关键词试试，或减少筛选条件。',
                        'Nothing found. Try other words or fewer filters.',
                      )}
                    </EmptyState>
                  ),
                }}
                renderItem={(hit) => (
                  <List.Item
                    actions={[
                      <Button
                        key="rel"
                        size="small"
                        icon={<ApartmentOutlined />}
                        onClick={() => setRelated(hit)}
                      >
                        {t('关联档案', 'Related')}
                      </Button>,
                    ]}
                  >
                    <List.Item.Meta
                      title={
                        <Space size={8} wrap>
                          <Link to={`/records/${hit.id}`}>{hit.title}</Link>
                          {hit.archiveNo && <Tag>{hit.archiveNo}</Tag>}
                          {asTyped(hit) ? null : <Tag color="purple">{t('近似匹配', 'near match')}</Tag>}
                        </Space>
                      }
                      description={<Snippet text={hit.snippet} />}
                    />
                  </List.Item>
                )}
              />
              {result.total > PAGE && (
                <Pagination
                  style={{ marginTop: 12, textAlign: 'right' }}
                  current={page}
                  pageSize={PAGE}
                  total={Math.min(result.total, 500 + PAGE)}
                  showSizeChanger={false}
                  onChange={(p) => update({ page: String(p) })}
                />
              )}
            </>
          )}
        </Col>
      </Row>
      <Drawer
        open={related !== null}
        onClose={() => setRelated(null)}
        size={520}
        title={t('关联档案与审批链', 'Related records and approval chain')}
        destroyOnHidden
      >
        {related && <RelatedPanel id={related.id} />}
      </Drawer>
    </div>
  );
}

function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet">
      {snippetParts(text).map((p, i) =>
        p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </span>
  );
}

function Facets({
  result,
  filters,
  onChange,
}: {
  result: SearchResult | undefined;
  filters: Record<string, string>;
  onChange: (facet: string, value: string | null) => void;
}) {
  const { t } = useI18n();
  const active = Object.entries(filters);
  return (
    <div>
      {active.length > 0 && (
        <Card size="small" style={{ marginBottom: 8 }} title={t('已选筛选', 'Filters')}>
          {active.map(([f, v]) => (
            <Tag key={f} closable onClose={() => onChange(f, null)} style={{ marginBottom: 4 }}>
              {t(...FACET_NAMES[f as keyof SearchResult['facets']])}: {v}
            </Tag>
          ))}
        </Card>
      )}
      {result &&
        FILTERS.map((f) => {
          const values = result.facets[f] ?? [];
          if (values.length === 0) return null;
          return (
            <Card key={f} size="small" title={t(...FACET_NAMES[f])} style={{ marginBottom: 8 }}>
              {values.slice(0, 8).map((v) => (
                <Button
                  key={v.value}
                  size="small"
                  type={filters[f] === v.value ? 'primary' : 'text'}
                  aria-pressed={filters[f] === v.value}
                  onClick={() => onChange(f, filters[f] === v.value ? null : v.value)}
                  style={{ marginBottom: 4 }}
                >
                  {facetLabel(f, v.value, v.label, t)} ({v.count})
                </Button>
              ))}
            </Card>
          );
        })}
    </div>
  );
}

const LEVEL_NAMES: Record<string, [string, string]> = {
  public: ['公开', 'Public'],
  internal: ['内部', 'Internal'],
  sensitive: ['敏感', 'Sensitive'],
};

function facetLabel(
  facet: string,
  value: string,
  label: string | undefined,
  t: (zh: string, en: string) => string,
): string {
  const known = facet === 'level' ? LEVEL_NAMES[value] : facet === 'retention' ? RETENTION[value] : undefined;
  return known ? t(...known) : (label ?? value);
}
