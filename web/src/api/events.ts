// Events (/api/v1/events/...): the registered event types. Types from
// src/server/openapi.json (see route.ts).
import { call, type Answer, type Loosely } from "./route";

type TypesAnswer = Answer<"/api/v1/events/types", "get">;
// Every registered event type, built-in ones first.
export const listEventTypes = <T extends Loosely<TypesAnswer> = TypesAnswer>(signal?: AbortSignal) =>
  call("get", "/api/v1/events/types", { signal }) as Promise<T>;
