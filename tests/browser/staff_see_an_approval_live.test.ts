// The staff view in real browsers: a guest asks for the Mezzanine (the venue approves requests),
// the manager approves it from their screen, and the host's screen, open on the same night, shows
// the booking confirmed within two seconds, with who did it (seed 003: "display who changed status").
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { credentials, freeSlot, guest, invoke, userToken } from '../support/http';
import { demoUrl, openBrowser, type Person, requireChromium, screenshot, textOf } from '../support/browser';

const db = sql(1);
const seed = await demoSeed(db);
let people: Person[] = [];

afterAll(async () => {
  await Promise.all(people.map((p) => p.close()));
  await closeAll();
});

/** The booking's row on a staff page: its status badge, and whether it offers Approve. */
async function row(p: Person, reference: string) {
  return {
    status: await textOf(p.page, `status-${reference}`),
    approve: await p.page.getByTestId(`approve-${reference}`).count(),
  };
}

/** The newest activity line about the booking, or null. */
const lastActivity = (p: Person, reference: string) =>
  p.page.locator(`[data-testid="activity-item"][data-reference="${reference}"]`).first().textContent({ timeout: 500 })
    .then((t) => t?.replace(/\s+/g, ' ').trim() ?? null, () => null);

describe('the staff view', () => {
  it("a manager's approval shows up live on the host's screen, with who made it", async () => {
    requireChromium(); // fails (never skips) without the browser, saying how to install it
    const spot = await freeSlot(db, seed.vault.mezzanine);
    const { publishable } = await credentials();
    const request = await invoke(publishable, 'POST', 'book/v1', {
      body: { venue_id: seed.vault.id, date: spot.date, slot: spot.slot, party_size: 12, unit_ids: [seed.vault.mezzanine], guest: guest('mezzanine') },
    });
    expect([request.status, request.body.data?.status]).toEqual([201, 'pending_approval']);
    const { reference } = request.body.data as { reference: string };

    const [manager, host] = people = await Promise.all([openBrowser('manager'), openBrowser('host')]);
    const staffPage = async (p: Person, sub: string) =>
      p.page.goto(demoUrl({ view: 'staff', venue_id: seed.vault.id, date: spot.date, token: await userToken(sub) }));
    await Promise.all([staffPage(manager, seed.users.vaultManager), staffPage(host, seed.users.vaultHost)]);

    for (const p of [manager, host]) {
      await expect.poll(() => textOf(p.page, 'staff-feed-status'), { timeout: 10_000, message: p.problems.join('\n') }).toBe('Live');
      await expect.poll(() => row(p, reference), { timeout: 5_000 }).toEqual({ status: 'pending approval', approve: 1 });
      // the token left the address bar
      expect(new URL(p.page.url()).searchParams.has('token')).toBe(false);
    }

    await manager.page.getByTestId(`approve-${reference}`).click();
    await expect.poll(() => row(host, reference), { timeout: 2_000, interval: 50, message: host.problems.join('\n') })
      .toEqual({ status: 'confirmed', approve: 0 });
    const managerId = seed.users.vaultManager.slice(-4);
    await expect.poll(() => lastActivity(host, reference), { timeout: 2_000 })
      .toMatch(new RegExp(`${reference} · Guest mezzanine · 12 — pending approval → confirmed, by a manager \\(user ${managerId}\\)( \\(approved\\))?$`));
    await expect.poll(() => lastActivity(manager, reference), { timeout: 2_000 })
      .toMatch(/pending approval → confirmed, by you( \(approved\))?$/);
    expect(await row(manager, reference)).toEqual({ status: 'confirmed', approve: 0 });

    await screenshot(manager, 'staff-manager.png');
    await screenshot(host, 'staff-host.png');
    expect(manager.problems.concat(host.problems)).toEqual([]);
  });
});
