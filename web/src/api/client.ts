// The one way the UI talks to the server: JSON over /api/v1 with the
// session's bearer token. Errors arrive as ApiError carrying the server's
// error shape ({"error": {"code", "message", ...}}), so pages can show the
// message where it belongs.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let token: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setToken(value: string | null): void {
  token = value;
}

// Called when the server answers 401 (a revoked or expired token).
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export type Body = unknown;

export interface RequestOptions {
  // A body that is not JSON (CSV or plain text uploads) with its media type.
  raw?: { body: string | Blob; contentType: string };
  signal?: AbortSignal;
}

function url(path: string): string {
  return path.startsWith("/api/") ? path : `/api/v1${path.startsWith("/") ? "" : "/"}${path}`;
}

async function send(method: string, path: string, body?: Body, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers["Authorization"] = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (opts.raw) {
    headers["Content-Type"] = opts.raw.contentType;
    payload = opts.raw.body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(url(path), { method, headers, body: payload, signal: opts.signal });
  if (!res.ok) {
    let code = "http_" + res.status;
    let message = res.statusText || `HTTP ${res.status}`;
    let detail: Record<string, unknown> = {};
    try {
      const j = await res.json();
      if (j && j.error) {
        code = j.error.code ?? code;
        message = j.error.message ?? message;
        detail = j.error;
      }
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401 && onUnauthenticated) onUnauthenticated();
    throw new ApiError(res.status, code, message, detail);
  }
  return res;
}

// A JSON call; resolves to the parsed answer (undefined for 204).
export async function api<T = any>(method: string, path: string, body?: Body, opts?: RequestOptions): Promise<T> {
  const res = await send(method, path, body, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return (await res.text()) as T;
  return (await res.json()) as T;
}

// A call whose answer is a file (exports): resolves to the text and headers.
export async function apiText(
  method: string,
  path: string,
  body?: Body,
  opts?: RequestOptions,
): Promise<{ text: string; headers: Headers }> {
  const res = await send(method, path, body, opts);
  return { text: await res.text(), headers: res.headers };
}

export const get = <T = any>(path: string, opts?: RequestOptions) => api<T>("GET", path, undefined, opts);
export const post = <T = any>(path: string, body?: Body, opts?: RequestOptions) => api<T>("POST", path, body ?? {}, opts);
export const put = <T = any>(path: string, body?: Body, opts?: RequestOptions) => api<T>("PUT", path, body ?? {}, opts);
export const del = <T = any>(path: string) => api<T>("DELETE", path);

// Query strings without undefined/empty values.
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? "?" + parts.join("&") : "";
}

// Path segments (tag names, user ids) percent-encoded.
export const seg = (s: string) => encodeURIComponent(s);
