// The store's tags (/api/v1/tags/...): type, title and data versions of each
// tag and the value distribution of one version. Types from
// src/server/openapi.json (see route.ts); T narrows an answer for a page.
import { call, type Answer, type Loosely, type Query } from "./route";

type TagAnswer = Answer<"/api/v1/tags/{name}", "get">;
// One tag of the store.
export const getTag = <T extends Loosely<TagAnswer> = TagAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/tags/{name}", { path: { name }, signal }) as Promise<T>;

type DistributionAnswer = Answer<"/api/v1/tags/{name}/distribution", "get">;
// The value distribution of one version (version or as_of; max_values: the first N values).
export const tagDistribution = <T extends Loosely<DistributionAnswer> = DistributionAnswer>(
  name: string,
  query: Query<"/api/v1/tags/{name}/distribution", "get"> = {},
  signal?: AbortSignal,
) => call("get", "/api/v1/tags/{name}/distribution", { path: { name }, query, signal }) as Promise<T>;
