// The customer view: a venue's units on a date with their remaining count, kept live by the SDK's
// AvailabilityFeed over Server-Sent Events, and a "Book Now" per unit (tables: per start time).
import { AvailabilityFeed, createTableholdClient, sseTransport } from './sdk.js';
import { API, clock, describeError, fillVenues, h, isDate, params, setParams, today, VENUES } from './common.js';

const REFRESHING = 'Refreshing availability...';
const LAST_SPOT_GONE = 'Sorry, the last spot was just booked!';

const $ = (id) => document.getElementById(id);

export function startCustomer() {
  const client = createTableholdClient({ url: location.origin });
  const ui = {
    venue: $('venue'), date: $('date'), slot: $('slot'), slotField: $('slot-field'), party: $('party'),
    time: $('time'), timeField: $('time-field'), status: $('feed-status'), notice: $('venue-notice'),
    units: $('units'), tableBooking: $('table-booking'), bookTable: $('book-table'), tableNote: $('table-note'),
    guestForm: $('guest'), name: $('guest-name'), email: $('guest-email'), dob: $('guest-dob'), message: $('booking-message'),
  };

  fillVenues(ui.venue, params.get('venue_id') ?? undefined);
  ui.date.value = isDate(params.get('date')) ? params.get('date') : today();
  ui.party.value = String(Math.max(1, Number(params.get('party_size')) || 2));

  let feed;
  let stopFeed = () => {};
  let loadError = '';
  /** Per unit: was it bookable for the current choice at the last render (to notice it going). */
  let before = new Map();
  /** Units that a concurrent booking just took from under this guest. */
  const gone = new Set();
  /** This page's own bookings per unit: in flight, or done at channel version `version`. */
  const own = new Map();
  let times = [];
  let timesFor = '';

  const choice = () => ({
    venueId: ui.venue.value, date: ui.date.value, slot: ui.slot.value || undefined,
    party: Math.max(1, Math.floor(Number(ui.party.value) || 1)), start: ui.time.value || undefined,
  });
  const choiceKey = () => { const c = choice(); return `${c.venueId}|${c.date}|${c.slot}|${c.party}`; };

  function startFeed() {
    stopFeed();
    const { venueId, date } = choice();
    setParams({ venue_id: venueId, date });
    before = new Map();
    gone.clear();
    own.clear();
    times = [];
    timesFor = '';
    loadError = '';
    ui.units.replaceChildren();
    ui.message.textContent = '';
    feed = new AvailabilityFeed({
      fetchSnapshot: async () => {
        const r = await client.availability({ venue_id: venueId, date });
        if (!r.ok) {
          loadError = describeError(r.error);
          render();
          throw new Error(loadError);
        }
        loadError = '';
        return r.data;
      },
      transport: sseTransport({ url: API, venueId, date }),
    });
    const off = feed.onChange(() => render());
    const current = feed;
    current.start();
    stopFeed = () => {
      off();
      current.stop();
    };
    render();
  }

  /** The key of a unit for the current choice: its slot (slot units) or its only key. */
  const keyOpts = (unit, c) => (unit.booking_mode === 'slot' && c.slot ? { slot: c.slot } : {});

  function render() {
    const live = feed.status === 'live';
    ui.status.textContent = live ? '' : REFRESHING;
    ui.status.hidden = live;
    ui.status.dataset.status = feed.status;
    document.body.dataset.feed = feed.status;

    const snap = feed.snapshot();
    if (!snap) {
      ui.notice.textContent = loadError ? `We couldn't load availability: ${loadError}` : '';
      return;
    }
    ui.notice.textContent = snap.open ? '' : 'The venue is closed on this date.';
    const option = ui.venue.selectedOptions[0];
    if (option && option.dataset.named !== 'yes' && !VENUES.some((v) => v.id === snap.venue_id)) {
      option.textContent = snap.venue; // a venue from the URL: its slug, once known
      option.dataset.named = 'yes';
    }
    renderSlots(snap);
    const c = choice();
    const key = choiceKey();
    const seen = new Set();
    for (const unit of snap.units) {
      seen.add(unit.unit_id);
      renderUnit(unit, snap, c, key);
    }
    for (const card of [...ui.units.children]) if (!seen.has(card.dataset.unitId)) card.remove();
    renderTables(snap, c);
  }

  function renderSlots(snap) {
    const codes = snap.slots.map((s) => s.code).join(',');
    ui.slotField.hidden = snap.slots.length === 0;
    if (ui.slot.dataset.codes === codes) return;
    ui.slot.dataset.codes = codes;
    const wanted = ui.slot.value || params.get('slot');
    ui.slot.replaceChildren(...snap.slots.map((s) =>
      new Option(s.name, s.code)));
    ui.slot.value = snap.slots.some((s) => s.code === wanted) ? wanted : (snap.slots[0]?.code ?? '');
  }

  /** What a unit shows for the current choice: how many are left, and whether this party can book it. */
  function unitState(unit, snap, c) {
    if (unit.booking_mode === 'time') return { time: true };
    const opts = keyOpts(unit, c);
    const remaining = feed.remaining(unit.unit_id, opts.slot);
    const bookable = snap.open && feed.canBook(unit.unit_id, c.party, opts);
    const fits = c.party >= unit.min_covers && (unit.capacity_mode === 'pooled' || c.party <= unit.max_covers);
    return { remaining, bookable, fits };
  }

  function renderUnit(unit, snap, c, key) {
    const s = unitState(unit, snap, c);
    let card = ui.units.querySelector(`[data-unit-id="${unit.unit_id}"]`);
    if (!card) {
      card = h('article', { class: 'unit', testid: `unit-${unit.code}`, 'data-unit-id': unit.unit_id, 'aria-labelledby': `name-${unit.code}` },
        h('h3', { id: `name-${unit.code}` }, unit.name),
        h('p', { class: 'meta' }, describeUnit(unit)),
        h('p', { class: 'left' }),
        h('p', { class: 'note', testid: `note-${unit.code}`, role: 'alert' }));
      if (unit.booking_mode !== 'time') {
        card.append(h('button', { type: 'button', class: 'book', testid: `book-${unit.code}`, onclick: () => bookUnit(unit) }, 'Book Now'));
      }
      ui.units.append(card);
    }
    const left = card.querySelector('.left');
    const note = card.querySelector('.note');
    if (s.time) {
      left.replaceChildren(busyText(unit, snap));
      card.dataset.state = 'table';
      note.textContent = '';
      return;
    }

    // a unit this guest could book that stopped being bookable while they looked: someone else took it
    const was = before.get(unit.unit_id);
    if (was && was.key === key && was.bookable && !s.bookable) lostIt(unit.unit_id);
    if (s.bookable) gone.delete(unit.unit_id);
    before.set(unit.unit_id, { key, bookable: s.bookable });

    if (unit.capacity_mode === 'pooled') {
      left.replaceChildren(
        h('span', { class: 'count', testid: `remaining-${unit.code}` }, String(s.remaining ?? 0)),
        ` of ${unit.capacity} left`);
    } else {
      left.replaceChildren(h('span', { class: 'count', testid: `remaining-${unit.code}` },
        s.remaining === 0 || (!s.bookable && s.fits) ? 'Taken' : 'Free'));
    }
    const pending = own.get(unit.unit_id)?.inFlight;
    const button = card.querySelector('button.book');
    button.disabled = !s.bookable || Boolean(pending);
    button.textContent = pending ? 'Booking…' : 'Book Now';
    card.dataset.state = s.bookable ? 'available' : 'unavailable';
    note.dataset.kind = gone.has(unit.unit_id) ? 'gone' : 'info';
    note.textContent = gone.has(unit.unit_id) ? LAST_SPOT_GONE
      : unit.out_of_service ? 'Not available today.'
      : !s.fits ? `For ${unit.min_covers}${unit.capacity_mode === 'pooled' ? '+' : `–${unit.max_covers}`} guests.`
      : '';
  }

  /** It became unbookable: this page's own booking did it, or someone else got there first. */
  function lostIt(unitId) {
    const mine = own.get(unitId);
    if (mine?.inFlight) {
      mine.lostMeanwhile = true; // decided when the answer comes
      return;
    }
    if (mine?.version !== undefined && feed.version <= mine.version) return; // our own booking
    gone.add(unitId);
  }

  function describeUnit(unit) {
    const parts = [unit.unit_type.replace('_', ' ')];
    if (unit.area) parts.push(unit.area);
    parts.push(unit.capacity_mode === 'pooled'
      ? `up to ${unit.max_covers} guests per ${unit.unit_type === 'seat_option' ? 'spot' : 'unit'}`
      : `${unit.min_covers}–${unit.max_covers} guests`);
    if (Number(unit.deposit) > 0) parts.push(`deposit ${unit.deposit}`);
    if (Number(unit.min_spend) > 0) parts.push(`minimum spend ${unit.min_spend}`);
    if (unit.requires_approval) parts.push('the venue confirms requests');
    return parts.join(' · ');
  }

  function busyText(unit, snap) {
    const busy = unit.busy ?? [];
    if (unit.out_of_service) return 'Not available today.';
    if (!busy.length) return 'Free all evening';
    return `Booked ${busy.map((b) => `${clock(b.starts_at, snap.timezone)}–${clock(b.ends_at, snap.timezone)}`).join(', ')}`;
  }

  // --- tables (restaurants): start times for the party, re-read whenever the feed moves ---

  let timesTimer;
  function renderTables(snap, c) {
    const hasTables = snap.units.some((u) => u.booking_mode === 'time');
    ui.tableBooking.hidden = !hasTables;
    ui.timeField.hidden = !hasTables;
    if (!hasTables) return;
    const wanted = `${c.venueId}|${c.date}|${c.party}|${feed.version}`;
    if (wanted !== timesFor) {
      timesFor = wanted;
      clearTimeout(timesTimer);
      timesTimer = setTimeout(() => loadTimes(c, snap.timezone, wanted), 150);
    }
    const slot = times.find((t) => t.starts_at === c.start);
    const pending = own.get('tables')?.inFlight;
    ui.bookTable.disabled = !slot?.bookable || Boolean(pending);
    ui.bookTable.textContent = pending ? 'Booking…' : 'Book Now';
    ui.tableNote.textContent = times.length === 0 ? 'No start times left on this date.'
      : slot && !slot.bookable ? 'No table is free for your party at that time.' : '';
  }

  async function loadTimes(c, timeZone, wanted) {
    const q = new URLSearchParams({ venue_id: c.venueId, date: c.date, party_size: String(c.party) });
    try {
      const body = await (await fetch(`${API}/availability/v1/times?${q}`)).json();
      if (timesFor !== wanted) return;
      times = body.data ?? [];
    } catch {
      return;
    }
    const keep = ui.time.value || params.get('start');
    ui.time.replaceChildren(...times.map((t) =>
      new Option(`${clock(t.starts_at, timeZone)}${t.bookable ? '' : ' (full)'}`, t.starts_at)));
    const first = times.find((t) => t.bookable) ?? times[0];
    ui.time.value = times.some((t) => t.starts_at === keep) ? keep : (first?.starts_at ?? '');
    render();
  }

  // --- booking ---

  function guestDetails() {
    if (!ui.guestForm.reportValidity()) return undefined;
    const guest = { name: ui.name.value.trim(), email: ui.email.value.trim() };
    if (ui.dob.value) guest.date_of_birth = ui.dob.value;
    return guest;
  }

  async function book(ownKey, body) {
    const guest = guestDetails();
    if (!guest) {
      ui.message.textContent = 'Please enter your name and email first.';
      ui.message.dataset.kind = 'error';
      return;
    }
    const mine = { inFlight: true };
    own.set(ownKey, mine);
    ui.message.textContent = '';
    render();
    const r = await client.book({ ...body, guest, seen_version: feed.version, source: 'web' });
    mine.inFlight = false;
    if (r.ok) {
      mine.version = r.data.version;
      ui.message.dataset.kind = 'ok';
      ui.message.textContent = r.data.status === 'pending_approval'
        ? `Request sent: the venue will confirm it. Your reference is ${r.data.reference}.`
        : `Booked! Your reference is ${r.data.reference}.`;
    } else {
      own.delete(ownKey);
      if (mine.lostMeanwhile) gone.add(ownKey);
      ui.message.dataset.kind = 'error';
      // SECTION_NOT_AVAILABLE and the other refusals carry the guest's message
      ui.message.textContent = describeError(r.error);
    }
    render();
  }

  function bookUnit(unit) {
    const c = choice();
    return book(unit.unit_id, {
      venue_id: c.venueId, date: c.date, party_size: c.party, unit_ids: [unit.unit_id],
      ...(unit.booking_mode === 'slot' && c.slot ? { slot: c.slot } : {}),
    });
  }

  ui.bookTable.addEventListener('click', () => {
    const c = choice();
    if (c.start) void book('tables', { venue_id: c.venueId, party_size: c.party, start: c.start });
  });

  // --- choices ---

  ui.venue.addEventListener('change', () => {
    ui.slot.dataset.codes = '';
    ui.slot.value = '';
    startFeed();
  });
  ui.date.addEventListener('change', () => isDate(ui.date.value) && startFeed());
  for (const el of [ui.slot, ui.party, ui.time]) {
    el.addEventListener('change', () => {
      gone.clear();
      setParams({ slot: ui.slot.value, party_size: ui.party.value });
      render();
    });
  }
  ui.party.addEventListener('input', () => render());
  addEventListener('pagehide', () => stopFeed());

  startFeed();
}
