// The shapes the tablehold API speaks: the availability snapshot, the availability event, booking
// requests and bookings, and the error codes (docs/errors.md). Field names are the API's own.
import type { ErrorCode, HttpErrorCode } from './error-codes.ts';

/** An ISO 8601 instant, e.g. `2026-12-04T22:00:00+00:00`. Compare instants with `toMillis`, never as text. */
export type Instant = string;

/** `pooled`: N interchangeable units counted per key; `exclusive`: one table, booth or section. */
export type CapacityMode = 'pooled' | 'exclusive';

/** `slot`: named slots; `date`: the whole service day; `time`: start times on the grid. */
export type BookingMode = 'slot' | 'date' | 'time';

export type PublicState = 'available' | 'unavailable';

/** A named window of the service date (a club's `early` 22:00–01:00). */
export interface SnapshotSlot {
  code: string;
  name: string;
  starts_at: Instant;
  ends_at: Instant;
}

/** A unit's state over one key window: a slot (`slot` is its code) or the service day (`slot` null). */
export interface SnapshotKey {
  slot: string | null;
  starts_at: Instant;
  ends_at: Instant;
  /** Free units (pooled) or 1/0 (exclusive) over the window. */
  remaining: number;
  state: PublicState;
  /** Staff only. */
  staff_state?: string;
  /** Staff only: units in use by booking status. */
  by_status?: Record<string, number>;
}

/** A window an exclusive unit is taken for (an allocation, or the service day while out of service). */
export interface BusyWindow {
  starts_at: Instant;
  ends_at: Instant;
  /** Staff only. */
  booking_id?: string;
  reference?: string;
  status?: string;
}

/** One unit of inventory in the snapshot. */
export interface SnapshotUnit {
  unit_id: string;
  code: string;
  name: string;
  unit_type: string;
  capacity_mode: CapacityMode;
  booking_mode: BookingMode;
  area: string | null;
  capacity: number;
  min_covers: number;
  max_covers: number;
  premium: boolean;
  min_spend: number;
  deposit: number;
  requires_approval: boolean;
  out_of_service: boolean;
  /** Whether the unit seats the `party_size` the snapshot was asked for (true when none was). */
  fits_party: boolean;
  keys: SnapshotKey[];
  /** Exclusive units only (null for pooled units). */
  busy: BusyWindow[] | null;
  /** Time-mode units, when the snapshot was asked for a `start`. */
  free_at_start?: boolean | null;
}

/** GET /availability/v1: a venue's service date at channel `version`. */
export interface Snapshot {
  venue_id: string;
  /** The venue's slug. */
  venue: string;
  timezone: string;
  service_date: string;
  /** The channel version this snapshot reflects: only events with a higher version apply on top. */
  version: number;
  as_of: Instant;
  open: boolean;
  slots: SnapshotSlot[];
  units: SnapshotUnit[];
}

/** Why a unit's public availability changed. */
export type AvailabilityReason =
  | 'booking_requested' | 'hold_expired' | 'cancelled' | 'rejected' | 'completed' | 'no_show' | 'blocked'
  | 'unblocked' | 'modified' | 'released' | 'out_of_service' | 'back_in_service' | 'capacity_changed';

/** One row of `public.availability_events`: a change of one key of one unit, at `version` of the
 *  channel `<venue_id>:<service_date>` (versions rise by exactly 1, so a jump means a missed event). */
export interface AvailabilityEvent {
  id: number;
  channel: string;
  venue_id: string;
  service_date: string;
  version: number;
  unit_id: string;
  slot_id: string | null;
  starts_at: Instant;
  ends_at: Instant;
  capacity_mode: CapacityMode;
  previous_state: PublicState;
  new_state: PublicState;
  /** pooled: free units for the key; exclusive: 1 (free) or 0 (taken). */
  remaining: number;
  capacity: number;
  reason: AvailabilityReason | string;
  occurred_at: Instant;
}

/** A guest booking without an account. `date_of_birth` is required at 18+ venues. */
export interface Guest {
  name: string;
  email: string;
  phone?: string;
  date_of_birth?: string;
}

/** The body of POST /hold/v1 and POST /book/v1. */
export interface BookingRequest {
  venue_id: string;
  party_size: number;
  /** The service date (slot and date units). */
  date?: string;
  /** A slot code (slot units). */
  slot?: string;
  /** A start instant (tables); without unit_ids the engine picks the tables. */
  start?: Instant;
  unit_ids?: string[];
  area_id?: string;
  guest?: Guest;
  client_id?: string;
  source?: 'web' | 'app' | 'staff' | 'assistant';
  /** The channel version the guest's screen shows: a refusal then says whether that view was stale. */
  seen_version?: number;
  special_requests?: string;
  occasion?: string;
  override?: boolean;
}

export type BookingStatus =
  | 'held' | 'pending_approval' | 'confirmed' | 'rejected' | 'cancelled' | 'expired' | 'seated' | 'completed' | 'no_show';

/** A booking as every operation returns it. */
export interface Booking {
  id: string;
  reference: string;
  venue_id: string;
  kind: 'booking' | 'block';
  status: BookingStatus;
  service_date: string;
  slot: string | null;
  starts_at: Instant;
  ends_at: Instant;
  party_size: number;
  hold_expires_at: Instant | null;
  deposit_total: number | null;
  min_spend_total: number | null;
  payment_ref: string | null;
  special_requests: string | null;
  occasion: string | null;
  source: string | null;
  client_id: string | null;
  block_reason: string | null;
  units: { unit_id: string; code: string; name: string; quantity: number }[];
  /** The channel version after this change. */
  version: number;
}

/** What hold and book return: the booking and, once only, the guest's manage token. */
export interface PlacedBooking extends Booking {
  manage_token?: string;
  replayed?: boolean;
}

/** The registry's codes (ErrorCode, HttpErrorCode) are generated from supabase/errors.json. */
export type { ErrorCode, HttpErrorCode };

/** Codes made by the SDK: `NETWORK` (no response at all: offline, DNS, CORS, reset) and
 *  `BAD_RESPONSE` (a response that is not the API's JSON envelope, e.g. a proxy's HTML 502). */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export type ApiErrorCode = ErrorCode | HttpErrorCode | ClientErrorCode;

/** An error as a value. `status` is the HTTP status, 0 when no response arrived. */
export interface ApiError {
  status: number;
  code: ApiErrorCode;
  message: string;
  details: unknown;
  /** The server's x-request-id, for support. */
  requestId?: string;
}

/** Every API call resolves to one of these; none throws for an API or network error. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };
