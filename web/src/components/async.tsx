/** Loading, error and empty states in one place, so every page says the same things the same way. */
import { Alert, Button, Empty, Result, Spin } from 'antd';
import { useCallback, useEffect, useRef, useState, type DependencyList, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a request when the dependencies change; a newer request wins over a slower older one. */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => id === latest.current && setState({ data, loading: false }),
      (error: Error) => id === latest.current && setState({ error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading({ tip }: { tip?: string }) {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} role="status">
      <Spin />
      <div style={{ marginTop: 12, color: '#888' }}>{tip ?? t('加载中…', 'Loading…')}</div>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const forbidden = error instanceof ApiError && error.status === 403;
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Result
      status={forbidden ? '403' : notFound ? '404' : 'error'}
      title={
        forbidden
          ? t('没有权限', 'Not allowed')
          : notFound
            ? t('未找到', 'Not found')
            : t('出错了', 'Something went wrong')
      }
      subTitle={
        <span>
          {error.message}
          {error instanceof ApiError && error.code ? (
            <code style={{ marginLeft: 8 }}>{error.code}</code>
          ) : null}
        </span>
      }
      extra={onRetry ? <Button onClick={onRetry}>{t('重试', 'Retry')}</Button> : undefined}
    />
  );
}

export function InlineError({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} />;
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <Empty description={children} />;
}

/** Renders the usual three states and the data. */
export function AsyncView<T>({
  state,
  children,
}: {
  state: AsyncState<T>;
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}
