/**
 * Two UI languages: Simplified Chinese first, English second. Texts sit where they are used as
 * `t('中文', 'English')` pairs, so a page and its translation are read and changed together; the
 * Ant Design components follow the same choice through their own locale packs.
 */
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Locale = 'zh' | 'en';
const KEY = 'dangan.locale';

let locale: Locale = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';

export function currentLocale(): Locale {
  return locale;
}

/** Translation outside React (messages built in event handlers). */
export function tr(zh: string, en: string): string {
  return locale === 'en' ? en : zh;
}

interface I18n {
  locale: Locale;
  setLocale: (next: Locale) => void;
  t: (zh: string, en: string) => string;
}

const Context = createContext<I18n>({ locale: 'zh', setLocale: () => undefined, t: (zh) => zh });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<Locale>(locale);
  const setLocale = useCallback((next: Locale) => {
    locale = next;
    localStorage.setItem(KEY, next);
    dayjs.locale(next === 'en' ? 'en' : 'zh-cn');
    document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
    setCurrent(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({ locale: current, setLocale, t: (zh, en) => (current === 'en' ? en : zh) }),
    [current, setLocale],
  );
  dayjs.locale(current === 'en' ? 'en' : 'zh-cn');
  return (
    <Context.Provider value={value}>
      <ConfigProvider
        locale={current === 'en' ? enUS : zhCN}
        theme={{ token: { colorPrimary: '#a8071a', borderRadius: 4 } }}
        button={{ autoInsertSpace: false }}
      >
        {children}
      </ConfigProvider>
    </Context.Provider>
  );
}

export function useI18n(): I18n {
  return useContext(Context);
}
