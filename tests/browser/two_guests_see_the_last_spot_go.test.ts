// Two guests watch the same section in real browsers (Debian's Chromium): one books the last spot
// and the other's "Book Now" goes dark within two seconds with the apology (seed 000); then the
// second guest's connection drops, the page says it is refreshing, and after the connection comes
// back it shows the spot a cancellation freed meanwhile (seed 003).
//
// The page is the demo (demo/) served by the functions server under test at /demo/, with the SDK
// bundle at /demo/sdk.js. The section is fresh: capacity 2, one spot booked before the pages open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { credentials, invoke } from '../support/http';
import {
  bookOverHttp, demoUrl, feedLine, fillGuest, openBrowser, type Person, relayStreams, requireChromium, screenshot,
  type StreamRelay, textOf, unitOnPage,
} from '../support/browser';

const LAST_SPOT_GONE = 'Sorry, the last spot was just booked!';
const REFRESHING = 'Refreshing availability...';

const db = sql(1);
let venue: Venue;
let people: Person[] = [];
let relay: StreamRelay | undefined;

beforeAll(async () => {
  venue = await createVenue(db, {
    kind: 'bar',
    units: [{ code: 'terrace', type: 'section', mode: 'pooled', booking: 'date', capacity: 2, maxCovers: 4 }],
  });
});

afterAll(async () => {
  await relay?.close();
  await Promise.all(people.map((p) => p.close()));
  await closeAll();
});

const terrace = (p: Person) => unitOnPage(p.page, 'terrace');
const diagnostics = () => people.map((p) => `${p.name}: ${p.problems.join(' | ') || 'no page errors'}`).join('\n');

describe('two guests on one section', () => {
  it('the second guest sees the last spot go within 2 s, and a dropped stream recovers with the freed spot', async () => {
    requireChromium(); // fails (never skips) without the browser, saying how to install it
    const earlier = await bookOverHttp(venue, 'terrace', 'earlier');
    const [ana, ben] = people = await Promise.all([openBrowser('ana'), openBrowser('ben')]);
    relay = await relayStreams(ben);
    const page = demoUrl({ venue_id: venue.id, date: venue.date, party_size: 2 });
    await Promise.all([ana.page.goto(page), ben.page.goto(page)]);

    // both see one spot left, bookable, and a live feed
    for (const p of [ana, ben]) {
      await expect.poll(() => terrace(p), { timeout: 10_000, message: diagnostics() })
        .toEqual({ remaining: '1', bookNow: 'enabled', note: '' });
      expect(await feedLine(p.page)).toBe('live');
    }

    // Ana books the last spot; from her click, Ben has two seconds to see it gone
    await fillGuest(ana.page, 'Ana Example', 'ana@example.test');
    await ana.page.getByTestId('book-terrace').click();
    await expect.poll(() => terrace(ben), { timeout: 2_000, interval: 50, message: diagnostics() })
      .toEqual({ remaining: '0', bookNow: 'disabled', note: LAST_SPOT_GONE });
    await screenshot(ben, 'two-guests-ben-last-spot-gone.png');

    // Ana got it, and is not told she lost it
    await expect.poll(() => textOf(ana.page, 'booking-message'), { timeout: 5_000 }).toMatch(/^Booked! Your reference is [A-Z0-9-]+\.$/);
    expect(await terrace(ana)).toEqual({ remaining: '0', bookNow: 'disabled', note: '' });

    // Ben's connection drops (the open stream is cut, and nothing new gets through): the page says it is refreshing
    await ben.context.setOffline(true);
    relay.drop();
    await expect.poll(() => feedLine(ben.page), { timeout: 10_000, message: diagnostics() }).toBe(REFRESHING);

    // meanwhile the earlier guest cancels, which Ben cannot hear yet
    const { publishable } = await credentials();
    const cancelled = await invoke(publishable, 'POST', `cancel/v1/${earlier.id}`, {
      body: { manage_token: earlier.manage_token, reason: 'plans changed' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await terrace(ben)).toEqual({ remaining: '0', bookNow: 'disabled', note: LAST_SPOT_GONE });
    await screenshot(ben, 'two-guests-ben-refreshing.png');

    // the connection returns: the page is live again and shows the freed spot
    relay.restore();
    await ben.context.setOffline(false);
    await expect.poll(() => feedLine(ben.page), { timeout: 20_000, message: diagnostics() }).toBe('live');
    await expect.poll(() => terrace(ben), { timeout: 5_000, message: diagnostics() })
      .toEqual({ remaining: '1', bookNow: 'enabled', note: '' });
    // Ana stayed connected all along and saw the cancellation live
    await expect.poll(() => terrace(ana), { timeout: 2_000 }).toEqual({ remaining: '1', bookNow: 'enabled', note: '' });

    await screenshot(ana, 'two-guests-ana.png');
    await screenshot(ben, 'two-guests-ben.png');
    expect(ana.problems.concat(ben.problems)).toEqual([]);
  });
});
