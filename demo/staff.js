// The staff view: a date's bookings, kept live by the staff feed (who changed what), approve and
// reject requests, block a unit, and the tables' live status. Plain fetch with the staff token.
import { API, clock, describeError, fillVenues, h, isDate, params, setParams, today } from './common.js';
import { LiveStream } from './stream.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'tablehold-demo-staff-token';

/** The user id inside a JWT (to say "you"), or undefined for anything else. */
function subjectOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub;
  } catch {
    return undefined;
  }
}

/** Who made a change, from the staff event's actor fields (actor_role is the engine's label:
 *  owner, manager, host, assistant, customer, guest, service or database). */
const ACTOR = {
  owner: 'the owner', manager: 'a manager', host: 'a host', assistant: 'an assistant (API key)',
  customer: 'the customer', guest: 'a guest online', service: 'the server', database: 'staff in the database',
};
function actorLabel(e, me) {
  if (e.actor_user_id && e.actor_user_id === me) return 'you';
  const who = ACTOR[e.actor_role] ?? e.actor_role;
  return e.actor_user_id ? `${who} (user ${e.actor_user_id.slice(-4)})` : who;
}

export function startStaff() {
  const ui = {
    form: $('staff-controls'), token: $('staff-token'), venue: $('staff-venue'), date: $('staff-date'),
    status: $('staff-feed-status'), message: $('staff-message'), arrivals: $('arrivals-body'),
    arrivalsEmpty: $('arrivals-empty'), activity: $('activity'), tables: $('tables-body'), tablesEmpty: $('tables-empty'),
    blockForm: $('block-form'), blockUnit: $('block-unit'), blockSlot: $('block-slot'), blockReason: $('block-reason'),
    blockQuantity: $('block-quantity'), blockMessage: $('block-message'),
  };

  // a token in the URL is taken once and kept for this tab only, out of the address bar
  const fromUrl = params.get('token');
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
  setParams({ token: undefined });
  ui.token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  fillVenues(ui.venue, params.get('venue_id') ?? undefined);
  ui.date.value = isDate(params.get('date')) ? params.get('date') : today();

  let stream;
  let venue; // the snapshot: units, slots, time zone
  let refreshTimer;
  let generation = 0;

  async function api(method, path, body) {
    const headers = { authorization: `Bearer ${ui.token.value.trim()}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = crypto.randomUUID();
    }
    try {
      const res = await fetch(`${API}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await res.json().catch(() => null);
      return res.ok ? { ok: true, data: json?.data } : { ok: false, error: json?.error ?? { code: 'HTTP', message: `HTTP ${res.status}` } };
    } catch {
      return { ok: false, error: { code: 'NETWORK', message: 'The server could not be reached.' } };
    }
  }

  const q = (o) => new URLSearchParams(o).toString();

  function setStatus(status) {
    ui.status.dataset.status = status;
    ui.status.textContent = { live: 'Live', reconnecting: 'Reconnecting…', failed: 'Not connected', idle: 'Not connected' }[status];
  }

  async function connect() {
    stream?.stop();
    const mine = ++generation;
    const venueId = ui.venue.value;
    const date = ui.date.value;
    setParams({ venue_id: venueId, date });
    ui.message.textContent = '';
    ui.activity.replaceChildren();
    ui.arrivals.replaceChildren();
    ui.tables.replaceChildren();
    if (!ui.token.value.trim()) {
      setStatus('idle');
      ui.message.textContent = 'Paste a staff token (npm start prints them) and press Show.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, ui.token.value.trim());

    const snap = await api('GET', `availability/v1?${q({ venue_id: venueId, date })}`);
    if (mine !== generation) return;
    if (!snap.ok) {
      setStatus('failed');
      ui.message.textContent = describeError(snap.error);
      return;
    }
    venue = snap.data;
    fillBlockForm();

    // the history so far (and the cursor to go live from), then the list, then the live feed
    const history = await api('GET', `staff/v1/feed?${q({ venue_id: venueId, date })}`);
    if (mine !== generation) return;
    if (!history.ok) {
      setStatus('failed');
      ui.message.textContent = describeError(history.error);
      return;
    }
    const past = history.data ?? [];
    for (const e of past.slice(-50)) addActivity(e);
    await refresh(mine);
    stream = new LiveStream({
      url: `${API}/staff/v1/feed?${q({ venue_id: venueId, date })}`,
      headers: { authorization: `Bearer ${ui.token.value.trim()}` },
      lastEventId: past.length ? past[past.length - 1].seq : undefined,
      onStatus: (s) => mine === generation && setStatus(s),
      onError: (message) => mine === generation && (ui.message.textContent = message),
      onEvent: (name, _id, e) => {
        if (mine !== generation || name !== 'booking') return;
        addActivity(e);
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => refresh(mine), 100);
      },
    });
    stream.start();
  }

  /** Re-read the bookings and the tables (after every change the feed reports). */
  async function refresh(mine) {
    const venueId = ui.venue.value;
    const [arrivals, tables] = await Promise.all([
      api('GET', `staff/v1/arrivals?${q({ venue_id: venueId, date: ui.date.value })}`),
      api('GET', `staff/v1/tables?${q({ venue_id: venueId })}`),
    ]);
    if (mine !== generation) return;
    if (arrivals.ok) renderArrivals(arrivals.data ?? []);
    else ui.message.textContent = describeError(arrivals.error);
    if (tables.ok) renderTables(tables.data ?? []);
  }

  const tz = () => venue?.timezone;

  function renderArrivals(rows) {
    ui.arrivalsEmpty.hidden = rows.length > 0;
    ui.arrivals.replaceChildren(...rows.map((b) => h('tr', { testid: `booking-${b.reference}`, 'data-status': b.status },
      h('td', { class: 'nowrap' }, `${clock(b.starts_at, tz())}–${clock(b.ends_at, tz())}`),
      h('td', { class: 'ref' }, b.reference),
      h('td', {}, b.guest ?? '—'),
      h('td', { class: 'num' }, String(b.party_size)),
      h('td', {}, (b.units ?? []).map((u) => (u.quantity > 1 ? `${u.code} ×${u.quantity}` : u.code)).join(', ')),
      h('td', {}, h('span', { class: `badge ${b.status}`, testid: `status-${b.reference}` }, b.status.replace('_', ' '))),
      h('td', { class: 'actions' }, b.status === 'pending_approval'
        ? [
          h('button', { type: 'button', testid: `approve-${b.reference}`, onclick: (ev) => act(ev, b, 'approve') }, 'Approve'),
          h('button', { type: 'button', class: 'secondary', testid: `reject-${b.reference}`, onclick: (ev) => act(ev, b, 'reject') }, 'Reject'),
        ]
        : []),
    )));
  }

  async function act(ev, booking, action) {
    ev.currentTarget.disabled = true;
    const body = action === 'reject' ? { reason: 'Rejected from the staff view' } : {};
    const r = await api('POST', `staff/v1/bookings/${booking.booking_id}/${action}`, body);
    ui.message.textContent = r.ok ? `${booking.reference}: ${r.data.status.replace('_', ' ')}.` : describeError(r.error);
    void refresh(generation);
  }

  function addActivity(e) {
    const when = e.occurred_at ? clock(e.occurred_at, tz()) : '';
    const change = e.previous_status ? `${e.previous_status.replace('_', ' ')} → ${e.status.replace('_', ' ')}` : `new, ${e.status.replace('_', ' ')}`;
    const what = e.kind === 'block' ? `Block on ${(e.units ?? []).join(', ')}` : `${e.reference} · ${e.guest_name ?? 'guest'} · ${e.party_size}`;
    ui.activity.prepend(h('li', { testid: 'activity-item', 'data-reference': e.reference, 'data-status': e.status },
      h('time', {}, when), ' ', h('strong', {}, what), ` — ${change}, by `, h('em', { testid: 'actor' }, actorLabel(e, subjectOf(ui.token.value))),
      e.reason ? ` (${e.reason})` : ''));
    while (ui.activity.children.length > 100) ui.activity.lastElementChild.remove();
  }

  function renderTables(rows) {
    ui.tablesEmpty.hidden = rows.length > 0;
    ui.tables.replaceChildren(...rows.map((t) => h('tr', { testid: `table-${t.code}`, 'data-status': t.status },
      h('td', {}, t.name), h('td', {}, t.area ?? ''), h('td', {}, h('span', { class: `badge ${t.status}` }, t.status.replace('_', ' '))),
      h('td', { class: 'ref' }, t.reference ?? ''), h('td', { class: 'num' }, t.party_size ? String(t.party_size) : ''),
      h('td', {}, t.ends_at ? `until ${clock(t.ends_at, tz())}` : ''))));
  }

  // --- block a unit ---

  function fillBlockForm() {
    ui.blockUnit.replaceChildren(...venue.units.map((u) => new Option(`${u.name} (${u.code})`, u.unit_id)));
    ui.blockSlot.replaceChildren(new Option('Whole day', ''), ...venue.slots.map((s) => new Option(s.name, s.code)));
    syncQuantity();
  }

  function syncQuantity() {
    const unit = venue?.units.find((u) => u.unit_id === ui.blockUnit.value);
    const pooled = unit?.capacity_mode === 'pooled';
    ui.blockQuantity.disabled = !pooled;
    ui.blockQuantity.max = pooled ? String(unit.capacity) : '';
    if (!pooled) ui.blockQuantity.value = '';
  }
  ui.blockUnit.addEventListener('change', syncQuantity);

  ui.blockForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!venue) return;
    const body = { venue_id: venue.venue_id, unit_ids: [ui.blockUnit.value], reason: ui.blockReason.value.trim(), date: ui.date.value };
    if (ui.blockSlot.value) body.slot = ui.blockSlot.value;
    if (ui.blockQuantity.value) body.quantity = Number(ui.blockQuantity.value);
    const r = await api('POST', 'staff/v1/blocks', body);
    ui.blockMessage.dataset.kind = r.ok ? 'ok' : 'error';
    ui.blockMessage.textContent = r.ok ? `Blocked (${r.data.reference ?? 'done'}).` : describeError(r.error);
  });

  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void connect();
  });
  ui.venue.addEventListener('change', () => void connect());
  ui.date.addEventListener('change', () => isDate(ui.date.value) && void connect());
  setInterval(() => stream && void refresh(generation), 30_000); // the floor moves with the clock too
  addEventListener('pagehide', () => stream?.stop());

  setStatus('idle');
  void connect();
}
