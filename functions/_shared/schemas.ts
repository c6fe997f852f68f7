// zod schemas shared by the routes. Every object is strict where it is used (unknown fields are
// refused), numbers are bounded, dates and instants are ISO 8601.
import { z } from 'zod';

export const id = z.guid({ error: 'must be a UUID' });
export const date = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });
export const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-05T20:00:00+00:00' });
export const partySize = z.number().int().min(1).max(500);
/** Query-string numbers arrive as text. */
export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const slotCode = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a slot code like "early"');
export const shortText = (max: number) => z.string().trim().min(1).max(max);
export const manageToken = z.string().regex(/^[0-9a-f]{48}$/, 'must be the 48-character manage token');

export const guest = z.object({
  name: shortText(200),
  email: z.email().max(320),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,32}$/, 'must be a phone number').optional(),
  date_of_birth: date.optional(),
}).strict();

/** What every booking request may carry (hold and book). */
export const bookingRequest = z.object({
  venue_id: id,
  party_size: partySize,
  date: date.optional(),
  slot: slotCode.optional(),
  start: instant.optional(),
  unit_ids: z.array(id).min(1).max(8).optional(),
  area_id: id.optional(),
  guest: guest.optional(),
  client_id: id.optional(),
  source: z.enum(['web', 'app', 'staff', 'assistant']).optional(),
  seen_version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  special_requests: z.string().max(2000).optional(),
  occasion: z.string().max(100).optional(),
  override: z.boolean().optional(),
});

export const bookingIdParams = z.object({ id });
export const guestTokenBody = z.object({ manage_token: manageToken.optional() });
