// Reports and dashboards (/api/v1/reports/..., /api/v1/dashboards/...).
// Request types from src/server/openapi.json (see route.ts); its answers of
// these routes are mostly "an object", so the pages name their own answer
// interfaces as T.
import { call, type Answer, type Loosely, type Body, type Schema } from "./route";

export type ReportDefinition = Schema<"ReportDefinition">;

type ReportsAnswer = Answer<"/api/v1/reports", "get">;
export const listReports = <T extends Loosely<ReportsAnswer> = ReportsAnswer>(signal?: AbortSignal) =>
  call("get", "/api/v1/reports", { signal }) as Promise<T>;

type ReportAnswer = Answer<"/api/v1/reports/{name}", "get">;
// One report: its definition and version.
export const getReport = <T extends Loosely<ReportAnswer> = ReportAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/reports/{name}", { path: { name }, signal }) as Promise<T>;

// Saves a new report (409 when the name exists).
export const createReport = (body: Body<"/api/v1/reports", "post">) => call("post", "/api/v1/reports", { body });

type PutReportAnswer = Answer<"/api/v1/reports/{name}", "put">;
// Creates or replaces a report (a new version).
export const putReport = <T extends Loosely<PutReportAnswer> = PutReportAnswer>(name: string, body: Body<"/api/v1/reports/{name}", "put">) =>
  call("put", "/api/v1/reports/{name}", { path: { name }, body }) as Promise<T>;

export const deleteReport = (name: string) => call("delete", "/api/v1/reports/{name}", { path: { name } });

type VersionsAnswer = Answer<"/api/v1/reports/{name}/versions", "get">;
export const reportVersions = <T extends Loosely<VersionsAnswer> = VersionsAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/reports/{name}/versions", { path: { name }, signal }) as Promise<T>;

type RunAnswer = Answer<"/api/v1/reports/run", "post">;
// Runs a definition without saving it.
export const runDefinition = <T extends Loosely<RunAnswer> = RunAnswer>(body: Body<"/api/v1/reports/run", "post">) =>
  call("post", "/api/v1/reports/run", { body }) as Promise<T>;

type RunSavedAnswer = Answer<"/api/v1/reports/{name}/run", "post">;
// Runs a saved report (optionally as of another date).
export const runReport = <T extends Loosely<RunSavedAnswer> = RunSavedAnswer>(name: string, body: Body<"/api/v1/reports/{name}/run", "post">, signal?: AbortSignal) =>
  call("post", "/api/v1/reports/{name}/run", { path: { name }, body, signal }) as Promise<T>;

type DashboardsAnswer = Answer<"/api/v1/dashboards", "get">;
export const listDashboards = <T extends Loosely<DashboardsAnswer> = DashboardsAnswer>(signal?: AbortSignal) =>
  call("get", "/api/v1/dashboards", { signal }) as Promise<T>;

type DashboardAnswer = Answer<"/api/v1/dashboards/{name}", "get">;
export const getDashboard = <T extends Loosely<DashboardAnswer> = DashboardAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/dashboards/{name}", { path: { name }, signal }) as Promise<T>;

export const createDashboard = (body: Body<"/api/v1/dashboards", "post">) => call("post", "/api/v1/dashboards", { body });

export const putDashboard = (name: string, body: Body<"/api/v1/dashboards/{name}", "put">) =>
  call("put", "/api/v1/dashboards/{name}", { path: { name }, body });

export const deleteDashboard = (name: string) => call("delete", "/api/v1/dashboards/{name}", { path: { name } });
