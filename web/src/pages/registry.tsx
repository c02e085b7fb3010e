// The pages of the UI: the first part of the hash path picks one; `min`
// is the least role that sees it in the navigation and may open it. Each
// area lives in its own folder under pages/.
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { MessageKey } from "../i18n";
import type { Route } from "../app/router";
import type { Role } from "../app/session";

export interface PageProps {
  route: Route;
}

export interface PageEntry {
  path: string; // first part of the hash path
  nav?: MessageKey; // shown in the navigation with this label
  min: Role;
  component: LazyExoticComponent<ComponentType<PageProps>>;
}

export const pages: PageEntry[] = [
  { path: "catalog", nav: "nav.catalog", min: "viewer", component: lazy(() => import("./catalog/CatalogPage")) },
  { path: "tags", min: "viewer", component: lazy(() => import("./catalog/TagPage")) },
  { path: "editor", nav: "nav.editor", min: "operator", component: lazy(() => import("./editor/EditorPage")) },
  { path: "segments", nav: "nav.segments", min: "viewer", component: lazy(() => import("./segments/SegmentsPage")) },
  { path: "insight", nav: "nav.insight", min: "viewer", component: lazy(() => import("./insight/InsightPage")) },
  { path: "reports", nav: "nav.reports", min: "viewer", component: lazy(() => import("./reports/ReportsPage")) },
  { path: "dashboards", nav: "nav.dashboards", min: "viewer", component: lazy(() => import("./reports/DashboardsPage")) },
  { path: "lists", nav: "nav.lists", min: "analyst", component: lazy(() => import("./lists/ListsPage")) },
  { path: "quality", nav: "nav.quality", min: "viewer", component: lazy(() => import("./quality/QualityPage")) },
  // Outreach (one lazily loaded module for the five areas): analysts read
  // campaigns, operators edit them and read the policy and channels, admins
  // approve and edit the policy and channels.
  { path: "campaigns", nav: "nav.campaigns", min: "analyst", component: lazy(() => import("./outreach").then((m) => ({ default: m.CampaignsArea }))) },
  { path: "journeys", nav: "nav.journeys", min: "analyst", component: lazy(() => import("./outreach").then((m) => ({ default: m.JourneysArea }))) },
  { path: "approvals", nav: "nav.approvals", min: "admin", component: lazy(() => import("./outreach").then((m) => ({ default: m.ApprovalsArea }))) },
  { path: "outreach-policy", nav: "nav.outreachPolicy", min: "operator", component: lazy(() => import("./outreach").then((m) => ({ default: m.PolicyArea }))) },
  { path: "channels", nav: "nav.channels", min: "operator", component: lazy(() => import("./outreach").then((m) => ({ default: m.ChannelsArea }))) },
  { path: "admin", nav: "nav.admin", min: "admin", component: lazy(() => import("./admin/AdminPage")) },
];
