// Typed calls of the REST API as src/server/openapi.json describes it
// (types generated into schema.d.ts by `npm run gen:api`). The per-area
// modules (segments.ts, catalog.ts, ...) are built on `call`: a path that is
// not in the document, a method it does not list, a query parameter it does
// not name or a body of another shape is a compile error.
//
// Answers: the document lists no response property as required, so its
// answer types mark every field optional. A module function answers the
// document's type by default; a page that relies on fields being present
// names its own interface as the type argument T (kept beside the page),
// which must be Loosely the document's answer: the same property names may
// not change kind (a number stays a number), while a page may still require
// a field, allow null or read an enum as a string.
import { api, qs, seg, type RequestOptions } from "./client";
import type { components, paths } from "./schema";

export type { components, paths };

// A named schema of the document: Schema<"Run">.
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

type Method = "get" | "put" | "post" | "delete" | "patch";
export type Path = keyof paths;
// The methods the document lists for a path.
export type MethodOf<P extends Path> = { [M in Method]: paths[P][M] extends undefined ? never : M }[Method];
type Operation<P extends Path, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type Json<C> = C extends { content: { "application/json": infer J } } ? J : never;
type Success = 200 | 201 | 202;

// The JSON body a route takes.
export type Body<P extends Path, M extends MethodOf<P>> = Json<NonNullable<Operation<P, M>["requestBody"]>>;
// The values of a route's {placeholders}.
export type PathValues<P extends Path, M extends MethodOf<P>> = NonNullable<Operation<P, M>["parameters"]["path"]>;
// The query parameters a route takes.
export type Query<P extends Path, M extends MethodOf<P>> = NonNullable<Operation<P, M>["parameters"]["query"]>;
// The JSON answer of a route on success (any of its 2xx answers).
export type Answer<P extends Path, M extends MethodOf<P>> = {
  [C in Success & keyof Operation<P, M>["responses"]]: Json<Operation<P, M>["responses"][C]>;
}[Success & keyof Operation<P, M>["responses"]];

// What a page's view of an answer A may be: every property optional, null
// allowed, enums read as strings; arrays and objects recursively.
export type Loosely<A> = A extends string
  ? string | null
  : A extends number
    ? number | null
    : A extends boolean
      ? boolean | null
      : A extends readonly (infer E)[]
        ? readonly Loosely<E>[] | null
        : A extends object
          ? string extends keyof A
            ? object | null // any object (the document names no properties)
            : { [K in keyof A]?: Loosely<A[K]> } | null
          : A;

export interface Call<P extends Path, M extends MethodOf<P>> {
  // Values of the path's {placeholders}, percent-encoded here.
  path?: PathValues<P, M>;
  query?: Query<P, M>;
  body?: Body<P, M>;
  // A body that is not JSON (CSV or plain text) with its media type.
  raw?: RequestOptions["raw"];
  signal?: AbortSignal;
}

// "/api/v1/segments/{name}" with { name: "a b" } → "/api/v1/segments/a%20b".
function fill(path: string, values: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (values[k] === undefined) throw new Error(`no value for {${k}} in ${path}`);
    return seg(String(values[k]));
  });
}

// One request of the document's routes. A POST, PUT or PATCH without a
// body sends {} (as client.ts's post and put do).
export function call<P extends Path, M extends MethodOf<P>>(method: M, path: P, req: Call<P, M> = {}): Promise<Answer<P, M>> {
  const query = (req.query ?? {}) as Parameters<typeof qs>[0];
  const body = req.body === undefined && !req.raw && method !== "get" && method !== "delete" ? {} : req.body;
  return api<Answer<P, M>>(method.toUpperCase(), fill(path, req.path as Record<string, string | number> | undefined) + qs(query), body, { raw: req.raw, signal: req.signal });
}
