// GENERATED from supabase/errors.json by npm run generate (scripts/generate-errors.mjs): do not edit.
// The engine's error registry (tablehold.error_codes, docs/errors.md) as the API maps it.

export interface ErrorCode {
  sqlstate: string;
  http: number;
  message: string;
  /** Counted as a conflict prevented in the venue's metrics (recorded after the rollback). */
  refusal: boolean;
}

export const errorCodes: Record<string, ErrorCode> = {
  SECTION_NOT_AVAILABLE: { sqlstate: 'TH001', http: 409, message: 'Sorry, this option is no longer available.', refusal: true },
  TABLE_NOT_AVAILABLE: { sqlstate: 'TH002', http: 409, message: 'Sorry, this table is no longer available at that time.', refusal: true },
  HOLD_EXPIRED: { sqlstate: 'TH003', http: 410, message: 'Sorry, your hold has expired and the spot is no longer available.', refusal: true },
  INVALID_PARTY_SIZE: { sqlstate: 'TH004', http: 422, message: "That party size can't be booked here.", refusal: false },
  OUTSIDE_OPENING_HOURS: { sqlstate: 'TH005', http: 422, message: 'The venue is not open at that time.', refusal: false },
  OUTSIDE_BOOKING_WINDOW: { sqlstate: 'TH006', http: 422, message: "That date or time can't be booked right now.", refusal: false },
  UNDERAGE: { sqlstate: 'TH007', http: 422, message: "Sorry, guests must meet the venue's minimum age.", refusal: false },
  PACING_LIMIT_REACHED: { sqlstate: 'TH008', http: 409, message: "Sorry, we're fully booked around that time. Please try another time.", refusal: true },
  INVALID_TRANSITION: { sqlstate: 'TH009', http: 409, message: "This booking can't be changed that way in its current state.", refusal: false },
  NOT_FOUND: { sqlstate: 'TH010', http: 404, message: "We couldn't find that.", refusal: false },
  FORBIDDEN: { sqlstate: 'TH011', http: 403, message: 'You are not allowed to do that.', refusal: false },
  IDEMPOTENCY_CONFLICT: { sqlstate: 'TH012', http: 409, message: 'This request key was already used for a different request.', refusal: false },
  INVALID_REQUEST: { sqlstate: 'TH013', http: 422, message: 'The request is not valid.', refusal: false },
  DATE_OF_BIRTH_REQUIRED: { sqlstate: 'TH014', http: 422, message: 'This venue needs your date of birth to confirm your age.', refusal: false },
  CLIENT_EMAIL_TAKEN: { sqlstate: 'TH015', http: 409, message: 'A client with that email already exists at this venue.', refusal: false },
  NO_TABLE_AVAILABLE: { sqlstate: 'TH016', http: 409, message: 'Sorry, no table is free for that party size at that time.', refusal: true },
  DIRECT_EDIT_REFUSED: { sqlstate: 'TH017', http: 409, message: "This change must go through tablehold's functions.", refusal: false },
  HOLD_LIMIT_REACHED: { sqlstate: 'TH018', http: 429, message: 'You already hold as many bookings for this night as this venue allows.', refusal: false },
};

/** Refusals the metrics count as "conflicts prevented": the codes registered with refusal true. */
export const refusalCodes: ReadonlySet<string> = new Set(
  Object.entries(errorCodes).filter(([, e]) => e.refusal).map(([code]) => code),
);
