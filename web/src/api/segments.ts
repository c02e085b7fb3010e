// Saved segments, counts, exports and id lists (/api/v1/segments/...,
// /api/v1/lists/match). Every function's body and answer types come from
// src/server/openapi.json (see route.ts); T narrows an answer for a page
// that relies on fields the document leaves optional.
import { apiText } from "./client";
import { call, type Answer, type Loosely, type Body, type Path, type Query } from "./route";

type CountAnswer = Answer<"/api/v1/segments/count", "post">;
// The users of an expression as of a date.
export const countSegment = <T extends Loosely<CountAnswer> = CountAnswer>(body: Body<"/api/v1/segments/count", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/segments/count", { body, signal }) as Promise<T>;

type ListAnswer = Answer<"/api/v1/segments", "get">;
// The saved segments (with with_counts, each one's count as of as_of).
export const listSegments = <T extends Loosely<ListAnswer> = ListAnswer>(query: Query<"/api/v1/segments", "get"> = {}, signal?: AbortSignal) =>
  call("get", "/api/v1/segments", { query, signal }) as Promise<T>;

type SegmentAnswer = Answer<"/api/v1/segments/{name}", "get">;
export const getSegment = <T extends Loosely<SegmentAnswer> = SegmentAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/segments/{name}", { path: { name }, signal }) as Promise<T>;

// Saves a new segment (409 when the name exists).
export const createSegment = (body: Body<"/api/v1/segments", "post">) => call("post", "/api/v1/segments", { body });

// Creates or replaces a saved segment.
export const putSegment = (name: string, body: Body<"/api/v1/segments/{name}", "put">) =>
  call("put", "/api/v1/segments/{name}", { path: { name }, body });

export const deleteSegment = (name: string) => call("delete", "/api/v1/segments/{name}", { path: { name } });

type VersionsAnswer = Answer<"/api/v1/segments/{name}/versions", "get">;
export const segmentVersions = <T extends Loosely<VersionsAnswer> = VersionsAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/segments/{name}/versions", { path: { name }, signal }) as Promise<T>;

// A new version of a frozen segment (a snapshot as of as_of, an sql segment's query again).
export const freezeSegment = (name: string, body: Body<"/api/v1/segments/{name}/versions", "post"> = {}) =>
  call("post", "/api/v1/segments/{name}/versions", { path: { name }, body });

// Uploads ids (one per line) as the next version of a list segment.
export const uploadSegmentList = (name: string, ids: string, query: Query<"/api/v1/segments/{name}/list", "post"> = {}) =>
  call("post", "/api/v1/segments/{name}/list", { path: { name }, query, raw: { body: ids, contentType: "text/plain" } });

type MatchAnswer = Answer<"/api/v1/lists/match", "post">;
// The match report of an id list (saved as a list segment with save_as).
export const matchList = <T extends Loosely<MatchAnswer> = MatchAnswer>(
  list: { body: string | Blob; contentType: string },
  query: Query<"/api/v1/lists/match", "post"> = {},
) => call("post", "/api/v1/lists/match", { query, raw: list }) as Promise<T>;

// A segment's users with tag columns as a file (CSV or NDJSON) and its headers.
export const exportSegment = (body: Body<"/api/v1/segments/export", "post">) => apiText("POST", "/api/v1/segments/export" satisfies Path, body);
