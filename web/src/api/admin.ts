// The caller and the tokens (/api/v1/me, /api/v1/version, /api/v1/tokens/...).
// Types from src/server/openapi.json (see route.ts); T narrows an answer
// for a page that relies on fields the document leaves optional.
import { call, type Answer, type Loosely, type Body } from "./route";

type MeAnswer = Answer<"/api/v1/me", "get">;
// The caller: token name, role and token id.
export const getMe = <T extends Loosely<MeAnswer> = MeAnswer>() => call("get", "/api/v1/me") as Promise<T>;

type VersionAnswer = Answer<"/api/v1/version", "get">;
// The server's and the store's version.
export const getVersion = <T extends Loosely<VersionAnswer> = VersionAnswer>(signal?: AbortSignal) => call("get", "/api/v1/version", { signal }) as Promise<T>;

type TokensAnswer = Answer<"/api/v1/tokens", "get">;
// Every token (never its secret).
export const listTokens = <T extends Loosely<TokensAnswer> = TokensAnswer>(signal?: AbortSignal) => call("get", "/api/v1/tokens", { signal }) as Promise<T>;

type CreateTokenAnswer = Answer<"/api/v1/tokens", "post">;
// Creates a token; its secret is in this answer only.
export const createToken = <T extends Loosely<CreateTokenAnswer> = CreateTokenAnswer>(body: Body<"/api/v1/tokens", "post">) =>
  call("post", "/api/v1/tokens", { body }) as Promise<T>;

export const revokeToken = (id: number) => call("delete", "/api/v1/tokens/{id}", { path: { id } });
