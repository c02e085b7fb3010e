// Hash routing: "#/tags/city?tab=runs" → { path: "/tags/city", parts:
// ["tags", "city"], query }. Hash URLs work from any static file server and
// can be bookmarked; the server never sees them.
import { useEffect, useState } from "react";

export interface Route {
  path: string;
  parts: string[];
  query: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const q = hash.indexOf("?");
  const path = q < 0 ? hash : hash.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : hash.slice(q + 1));
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path, parts, query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

// Builds "#/a/b?x=1" from path parts (each encoded) and query values.
export function href(parts: string[], query: Record<string, string | undefined> = {}): string {
  const path = "/" + parts.map(encodeURIComponent).join("/");
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return "#" + path + (s ? "?" + s : "");
}

export function navigate(parts: string[], query: Record<string, string | undefined> = {}): void {
  window.location.hash = href(parts, query);
}
