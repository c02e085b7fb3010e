// Text into HTML: ECharts tooltip formatters return HTML, and what they show
// (tag values, segment names and labels, report keys) is anyone's text, so
// every piece of it is escaped here and nowhere else. Use tooltipLines for
// a formatter's result; escapeHtml only where other markup is built.

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

// `text` with &, <, >, " and ' as entities: safe as element content and in
// quoted attribute values.
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => entities[c]);
}

// Lines of plain text as tooltip HTML: each line escaped, joined by <br/>.
export function tooltipLines(...lines: unknown[]): string {
  return lines.map(escapeHtml).join("<br/>");
}
