// Message catalogs: every text the UI shows comes from here. Chinese (zh-CN)
// is the default; English is switchable and remembered in localStorage.
// Each area of the UI has one file per language (i18n/zh-CN/<area>.ts and
// i18n/en/<area>.ts); the English file is typed against the Chinese one, so
// a key missing in either language fails the type check.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import zh from "./zh-CN";
import en from "./en";

export type Lang = "zh-CN" | "en";
export type MessageKey = keyof typeof zh;

const catalogs: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zh, en };

// Replaces {name} placeholders with params (numbers formatted for the language).
export function format(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  let text = catalogs[lang][key] ?? key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => {
      const v = params[name];
      if (v === undefined) return m;
      return typeof v === "number" ? formatNumber(lang, v) : v;
    });
  }
  return text;
}

export function formatNumber(lang: Lang, v: number, digits?: number): string {
  return new Intl.NumberFormat(lang, digits === undefined ? {} : { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
}

export function formatPercent(lang: Lang, share: number, digits = 1): string {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(share);
}

export function formatTime(lang: Lang, ms: number): string {
  return new Date(ms).toLocaleString(lang, { hour12: false });
}

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  num: (v: number, digits?: number) => string;
  pct: (share: number, digits?: number) => string;
  time: (ms: number) => string;
  // A {zh, en} title object from the API in the current language (falls back to the other).
  title: (t: { zh?: string; en?: string } | null | undefined, fallback?: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

const stored = (): Lang => (localStorage.getItem("tagloop.lang") === "en" ? "en" : "zh-CN");

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(stored);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem("tagloop.lang", l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, params) => format(lang, key, params),
      num: (v, digits) => formatNumber(lang, v, digits),
      pct: (share, digits) => formatPercent(lang, share, digits),
      time: (ms) => formatTime(lang, ms),
      title: (tt, fallback = "") => {
        if (!tt) return fallback;
        const first = lang === "en" ? tt.en : tt.zh;
        const second = lang === "en" ? tt.zh : tt.en;
        return first || second || fallback;
      },
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}
