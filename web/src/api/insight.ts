// Insight over a segment (/api/v1/insight/...): distributions, what
// characterises it, overlaps, its size over time and who entered or left.
// Request types from src/server/openapi.json (see route.ts). The document
// describes these answers only as "an object": the pages name their own
// answer interfaces as T until it describes them.
import { call, type Answer, type Loosely, type Body } from "./route";

type DistributionAnswer = Answer<"/api/v1/insight/distribution", "post">;
export const insightDistribution = <T extends Loosely<DistributionAnswer> = DistributionAnswer>(body: Body<"/api/v1/insight/distribution", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/distribution", { body, signal }) as Promise<T>;

type CharacterizeAnswer = Answer<"/api/v1/insight/characterize", "post">;
export const characterize = <T extends Loosely<CharacterizeAnswer> = CharacterizeAnswer>(body: Body<"/api/v1/insight/characterize", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/characterize", { body, signal }) as Promise<T>;

type OverlapAnswer = Answer<"/api/v1/insight/overlap", "post">;
export const overlap = <T extends Loosely<OverlapAnswer> = OverlapAnswer>(body: Body<"/api/v1/insight/overlap", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/overlap", { body, signal }) as Promise<T>;

type HistoryAnswer = Answer<"/api/v1/insight/history", "post">;
export const sizeHistory = <T extends Loosely<HistoryAnswer> = HistoryAnswer>(body: Body<"/api/v1/insight/history", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/history", { body, signal }) as Promise<T>;

type DiffAnswer = Answer<"/api/v1/insight/diff", "post">;
export const membershipDiff = <T extends Loosely<DiffAnswer> = DiffAnswer>(body: Body<"/api/v1/insight/diff", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/diff", { body, signal }) as Promise<T>;

type MetricsAnswer = Answer<"/api/v1/insight/metrics", "post">;
// Business metrics of a segment from a SQL source (the segment pushed as {{segment}}).
export const segmentMetrics = <T extends Loosely<MetricsAnswer> = MetricsAnswer>(body: Body<"/api/v1/insight/metrics", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/insight/metrics", { body, signal }) as Promise<T>;
