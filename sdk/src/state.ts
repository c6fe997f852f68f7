// Pure functions over a snapshot: applying one event, and the questions a screen asks
// (how many are left, can this party book). No I/O and no clocks, so they are easy to test.
import type { AvailabilityEvent, BusyWindow, Instant, PublicState, Snapshot, SnapshotKey, SnapshotUnit } from './types.ts';

/** A window to ask about. Instants are compared as instants, never as text. */
export interface Window {
  startsAt: Instant;
  endsAt: Instant;
}

/** Which key of a unit: a slot code, an explicit window, or (undefined) the unit's only key. */
export type KeySelector = string | Window | undefined;

/** What canBook may be told about the booking. */
export interface BookOptions {
  /** A slot code (slot units, or a slot's window for exclusive units). */
  slot?: string;
  /** An explicit window (tables: the allocation window, i.e. turn time plus the venue buffer). */
  startsAt?: Instant;
  endsAt?: Instant;
}

/** Milliseconds since the epoch of an ISO 8601 instant, also accepting PostgreSQL's text form
 *  (`2026-12-04 22:00:00+00`) that some Realtime payloads carry. NaN when unreadable. */
export function toMillis(instant: Instant): number {
  const iso = instant.trim()
    .replace(' ', 'T')
    .replace(/([+-]\d{2})$/, '$1:00')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return new Date(iso).getTime();
}

const sameWindow = (a: { starts_at: Instant; ends_at: Instant }, b: { starts_at: Instant; ends_at: Instant }) =>
  toMillis(a.starts_at) === toMillis(b.starts_at) && toMillis(a.ends_at) === toMillis(b.ends_at);

/** Half-open windows [start, end) overlap. */
const overlaps = (a: { starts_at: Instant; ends_at: Instant }, b: { starts_at: Instant; ends_at: Instant }) =>
  toMillis(a.starts_at) < toMillis(b.ends_at) && toMillis(b.starts_at) < toMillis(a.ends_at);

/** An event as it arrived (JSON from SSE, a Realtime payload) with its numbers as numbers. */
export function normalizeEvent(raw: unknown): AvailabilityEvent {
  if (typeof raw !== 'object' || raw === null) throw new TypeError('an availability event must be an object');
  const row = raw as Record<string, unknown>;
  const version = Number(row.version);
  if (!Number.isSafeInteger(version) || version < 1) throw new TypeError(`an availability event needs a version, got ${String(row.version)}`);
  return {
    ...(row as unknown as AvailabilityEvent),
    id: Number(row.id),
    version,
    remaining: Number(row.remaining),
    capacity: Number(row.capacity),
  };
}

/** The unit, if the snapshot lists it. */
export const findUnit = (snapshot: Snapshot, unitId: string): SnapshotUnit | undefined =>
  snapshot.units.find((u) => u.unit_id === unitId);

/** An exclusive unit's remaining over a window: 0 when out of service or a busy window overlaps it,
 *  else its capacity (the same rule as the engine's snapshot, `tablehold.night_snapshot`). */
function exclusiveRemaining(unit: SnapshotUnit, window: { starts_at: Instant; ends_at: Instant }): number {
  if (unit.out_of_service) return 0;
  const taken = (unit.busy ?? []).some((b) => overlaps(b, window));
  return Math.max(unit.capacity - (taken ? 1 : 0), 0);
}

const keyState = (remaining: number): PublicState => (remaining > 0 ? 'available' : 'unavailable');

/** The unit after one event. pooled: the key's remaining and state; exclusive: the busy windows
 *  (unavailable adds the window, available frees it) and the keys recomputed from them. A key the
 *  snapshot does not list (it was asked for one slot) changes nothing. */
function applyToUnit(unit: SnapshotUnit, e: AvailabilityEvent): SnapshotUnit {
  const out_of_service = e.reason === 'out_of_service' ? true : e.reason === 'back_in_service' ? false : unit.out_of_service;
  if (unit.capacity_mode === 'pooled') {
    return {
      ...unit,
      out_of_service,
      capacity: e.capacity,
      keys: unit.keys.map((k) => (sameWindow(k, e) ? { ...k, remaining: e.remaining, state: e.new_state } : k)),
    };
  }
  const others = (unit.busy ?? []).filter((b) => !sameWindow(b, e));
  const busy: BusyWindow[] = e.new_state === 'unavailable' ? [...others, { starts_at: e.starts_at, ends_at: e.ends_at }] : others;
  busy.sort((a, b) => toMillis(a.starts_at) - toMillis(b.starts_at));
  const next: SnapshotUnit = { ...unit, out_of_service, capacity: e.capacity, busy };
  next.keys = unit.keys.map((k) => {
    const remaining = exclusiveRemaining(next, k);
    return { ...k, remaining, state: keyState(remaining) };
  });
  return next;
}

/** The snapshot after applying the event that follows it (the caller checks the version).
 *  Copy-on-write: unchanged units keep their identity, so screens can compare by reference. */
export function applyEvent(snapshot: Snapshot, e: AvailabilityEvent): Snapshot {
  return {
    ...snapshot,
    version: e.version,
    units: snapshot.units.map((u) => (u.unit_id === e.unit_id ? applyToUnit(u, e) : u)),
  };
}

/** The key a selector names: a slot code, an exact window, or the unit's only key. */
export function findKey(unit: SnapshotUnit, selector: KeySelector): SnapshotKey | undefined {
  if (selector === undefined) return unit.keys.length === 1 ? unit.keys[0] : undefined;
  if (typeof selector === 'string') return unit.keys.find((k) => k.slot === selector);
  return unit.keys.find((k) => sameWindow(k, { starts_at: selector.startsAt, ends_at: selector.endsAt }));
}

/** The window a booking would take on an exclusive unit: the explicit window, else the slot's
 *  (the unit's key, or the venue's slot list), else the unit's only key (the service day). */
function requestedWindow(snapshot: Snapshot, unit: SnapshotUnit, opts: BookOptions): { starts_at: Instant; ends_at: Instant } | undefined {
  if (opts.startsAt !== undefined && opts.endsAt !== undefined) return { starts_at: opts.startsAt, ends_at: opts.endsAt };
  if (opts.slot !== undefined) return findKey(unit, opts.slot) ?? snapshot.slots.find((s) => s.code === opts.slot);
  return findKey(unit, undefined);
}

/** Free units (pooled) or 1/0 (exclusive) for a unit's key; undefined when the unit or key is unknown.
 *  Exclusive units answer from their busy windows, also for any explicit window or a slot of the venue. */
export function remainingOf(snapshot: Snapshot, unitId: string, selector?: KeySelector): number | undefined {
  const unit = findUnit(snapshot, unitId);
  if (!unit) return undefined;
  if (unit.capacity_mode === 'pooled') return findKey(unit, selector)?.remaining;
  const window = requestedWindow(snapshot, unit, typeof selector === 'object' ? selector : { slot: selector });
  return window && exclusiveRemaining(unit, window);
}

/** Whether a party could book the unit as the snapshot stands (the server decides; this is for the screen).
 *  Never on a closed date or an out-of-service unit, nor below the unit's minimum covers.
 *  pooled: the party takes ceil(party / max_covers) units, at most the key's remaining.
 *  exclusive: the party fits max_covers and no busy window overlaps the requested window.
 *  An unknown unit, or a key that cannot be resolved (several keys and none named), is false. */
export function canBookOn(snapshot: Snapshot, unitId: string, partySize: number, opts: BookOptions = {}): boolean {
  const unit = findUnit(snapshot, unitId);
  if (!unit || !snapshot.open || unit.out_of_service) return false;
  if (!Number.isInteger(partySize) || partySize < 1 || partySize < unit.min_covers) return false;
  if (unit.capacity_mode === 'pooled') {
    const selector = opts.startsAt !== undefined && opts.endsAt !== undefined
      ? { startsAt: opts.startsAt, endsAt: opts.endsAt }
      : opts.slot;
    const key = findKey(unit, selector);
    return key !== undefined && Math.ceil(partySize / unit.max_covers) <= key.remaining;
  }
  if (partySize > unit.max_covers) return false;
  const window = requestedWindow(snapshot, unit, opts);
  return window !== undefined && exclusiveRemaining(unit, window) > 0;
}
