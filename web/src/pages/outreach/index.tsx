// The outreach area (issue 15): campaigns, journeys (issue 16), approvals,
// the contact policy and channels. The registry imports this module lazily for all five entries,
// so Vite puts the outreach pages and Ant Design (used only here) in their
// own chunks, loaded the first time an outreach page opens.
import type { PageProps } from "../registry";
import { AntdScope } from "./common";
import CampaignsList from "./CampaignsList";
import CampaignEditor from "./CampaignEditor";
import CampaignDetail from "./CampaignDetail";
import { ApprovalInbox, ApprovalScreen } from "./Approvals";
import PolicyPage from "./PolicyPage";
import JourneysList from "./JourneysList";
import JourneyPage from "./JourneyPage";
import ChannelsPage from "./ChannelsPage";

// #/campaigns, #/campaigns/new[?expr=|segment=], #/campaigns/{id}, #/campaigns/{id}/edit
export function CampaignsArea({ route }: PageProps) {
  const [, id, sub] = route.parts;
  let body;
  if (!id) body = <CampaignsList route={route} />;
  else if (id === "new") body = <CampaignEditor route={route} />;
  else if (sub === "edit") body = <CampaignEditor key={id} route={route} id={id} />;
  else body = <CampaignDetail key={id} id={id} />;
  return <AntdScope>{body}</AntdScope>;
}

// #/journeys, #/journeys/new, #/journeys/{id} (issue 16: a journey is a campaign with an entry)
export function JourneysArea({ route }: PageProps) {
  const id = route.parts[1];
  let body;
  if (!id) body = <JourneysList />;
  else if (id === "new") body = <JourneyPage key="new" />;
  else body = <JourneyPage key={id} id={id} />;
  return <AntdScope>{body}</AntdScope>;
}

// #/approvals, #/approvals/{id}
export function ApprovalsArea({ route }: PageProps) {
  const id = route.parts[1];
  return <AntdScope>{id ? <ApprovalScreen key={id} id={id} /> : <ApprovalInbox />}</AntdScope>;
}

export function PolicyArea() {
  return (
    <AntdScope>
      <PolicyPage />
    </AntdScope>
  );
}

export function ChannelsArea() {
  return (
    <AntdScope>
      <ChannelsPage />
    </AntdScope>
  );
}
