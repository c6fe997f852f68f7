// What both views share: the demo venues, the API's base URL, the query string, formatting.

/** The seed's demo venues (supabase/seed.sql). Another venue can be opened with ?venue_id=. */
export const VENUES = [
  { id: '00000000-0000-4000-b000-000000000001', name: 'The Copper Bar (bar)' },
  { id: '00000000-0000-4000-b000-000000000002', name: 'The Vault (club, 18+)' },
  { id: '00000000-0000-4000-b000-000000000003', name: 'Nora Kitchen (restaurant)' },
];

/** The Edge Functions are served from the page's own origin. */
export const API = `${location.origin}/functions/v1`;

export const params = new URLSearchParams(location.search);

/** Keep the address bar in step with the choices, so a view can be shared or reloaded. */
export function setParams(changes) {
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '') params.delete(k);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  history.replaceState(null, '', qs ? `?${qs}` : location.pathname);
}

/** Today's date in the browser's zone, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const isUuid = (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s ?? '');
export const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '');

/** Fill a <select> with the demo venues, plus `extra` (a venue id from the URL) when it is not one. */
export function fillVenues(select, selected) {
  const list = VENUES.some((v) => v.id === selected) || !isUuid(selected)
    ? VENUES
    : [...VENUES, { id: selected, name: `Venue ${selected.slice(0, 8)}…` }];
  select.replaceChildren(...list.map((v) => new Option(v.name, v.id, false, v.id === selected)));
  if (!list.some((v) => v.id === selected)) select.value = VENUES[0].id;
}

/** hh:mm of an instant in a time zone. */
export function clock(instant, timeZone) {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(instant));
}

/** An element with attributes and children, for small bits of markup. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** A refusal from the API as one line for a person: the guest message, and which fields were wrong. */
export function describeError(error) {
  if (!error) return 'Something went wrong.';
  const fields = Array.isArray(error.details) ? error.details.filter((d) => d && d.path) : [];
  if (error.code === 'VALIDATION_FAILED' && fields.length) {
    return `${error.message} (${fields.map((d) => `${d.path.replace(/^body\./, '')}: ${d.problem}`).join('; ')})`;
  }
  return error.message || `Something went wrong (${error.code}).`;
}
