// A guest whose screen fell behind (its stream is down and has not caught up yet) still sees the
// last spot and presses "Book Now": the server refuses with SECTION_NOT_AVAILABLE, and the page
// shows that refusal's guest message; once the stream is back, the page shows the spot gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import {
  bookOverHttp, demoUrl, feedLine, fillGuest, openBrowser, type Person, relayStreams, requireChromium, screenshot,
  type StreamRelay, textOf, unitOnPage,
} from '../support/browser';

const db = sql(1);
let venue: Venue;
let cleo: Person | undefined;
let relay: StreamRelay | undefined;

beforeAll(async () => {
  venue = await createVenue(db, {
    kind: 'bar',
    units: [{ code: 'booth-row', type: 'section', mode: 'pooled', booking: 'date', capacity: 1, maxCovers: 4 }],
  });
});

afterAll(async () => {
  await relay?.close();
  await cleo?.close();
  await closeAll();
});

describe('a stale screen', () => {
  it('a refused booking shows the guest message of SECTION_NOT_AVAILABLE', async () => {
    requireChromium(); // fails (never skips) without the browser, saying how to install it
    cleo = await openBrowser('cleo');
    relay = await relayStreams(cleo);
    await cleo.page.goto(demoUrl({ venue_id: venue.id, date: venue.date, party_size: 2 }));
    await expect.poll(() => unitOnPage(cleo!.page, 'booth-row'), { timeout: 10_000, message: cleo.problems.join('\n') })
      .toEqual({ remaining: '1', bookNow: 'enabled', note: '' });

    // her stream drops, and while it is down someone else takes the only spot
    relay.drop();
    await expect.poll(() => feedLine(cleo!.page), { timeout: 10_000 }).toBe('Refreshing availability...');
    await bookOverHttp(venue, 'booth-row', 'quicker');
    expect(await unitOnPage(cleo.page, 'booth-row')).toEqual({ remaining: '1', bookNow: 'enabled', note: '' });

    await fillGuest(cleo.page, 'Cleo Example', 'cleo@example.test');
    await cleo.page.getByTestId('book-booth-row').click();
    await expect.poll(() => textOf(cleo!.page, 'booking-message'), { timeout: 5_000 })
      .toBe('Sorry, this option is no longer available.');
    await screenshot(cleo, 'stale-screen-refused.png');

    // the stream comes back and the page catches up
    relay.restore();
    await expect.poll(() => feedLine(cleo!.page), { timeout: 20_000 }).toBe('live');
    await expect.poll(() => unitOnPage(cleo!.page, 'booth-row'), { timeout: 5_000 })
      .toEqual({ remaining: '0', bookNow: 'disabled', note: 'Sorry, the last spot was just booked!' });
    expect(cleo.problems).toEqual([]);
  });
});
